package dev.datashard.io.s3;

import software.amazon.awssdk.core.ServiceConfiguration;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.s3.S3Configuration;

/**
 * Registered as a global SDK interceptor (the CRT client builder takes no interceptors), it acts
 * only on requests that an {@link S3Storage} tagged with {@link #COUNTER}; other S3 clients in the
 * same JVM are left alone.
 *
 * <p>It turns {@code Expect: 100-continue} off: the CRT copies that header from the PutObject into
 * the CreateMultipartUpload it derives, and servers such as S3Proxy (Jetty) then close the
 * connection ("Upload Id not found in create-multipart-upload response"). The S3 client builder
 * would take this setting as {@code S3Configuration}, the CRT builder does not. It also counts the
 * requests sent, per operation.
 */
public final class DataShardS3Interceptor implements ExecutionInterceptor {
  static final ExecutionAttribute<RequestCounter> COUNTER =
      new ExecutionAttribute<>("DataShardRequestCounter");

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    if (attributes.getAttribute(COUNTER) == null) {
      return;
    }
    ServiceConfiguration current = attributes.getAttribute(SdkExecutionAttribute.SERVICE_CONFIG);
    S3Configuration.Builder s3 = current instanceof S3Configuration configured
        ? configured.toBuilder()
        : S3Configuration.builder();
    attributes.putAttribute(SdkExecutionAttribute.SERVICE_CONFIG,
        s3.expectContinueEnabled(false).build());
  }

  @Override
  public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
    RequestCounter counter = attributes.getAttribute(COUNTER);
    if (counter != null) {
      counter.record(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
    }
  }
}
