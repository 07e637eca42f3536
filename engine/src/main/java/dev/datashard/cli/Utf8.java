package dev.datashard.cli;

/** Finds bytes that are not UTF-8, as strictly as the JDK's decoder: no overlong forms, surrogates or code points past U+10FFFF. */
final class Utf8 {
  private Utf8() {}

  /** The index of the first byte of the first malformed sequence in {@code [from, to)}, or -1 when all are UTF-8. */
  static int firstInvalid(byte[] bytes, int from, int to) {
    int i = from;
    while (i < to) {
      if (i + 8 <= to && !Swar.hasNonAscii(Swar.word(bytes, i))) {
        i += 8;
        continue;
      }
      int b = bytes[i];
      if (b >= 0) {
        i++;
        continue;
      }
      int lead = b & 0xff;
      int length;
      int low = 0x80;
      int high = 0xbf;
      if (lead >= 0xc2 && lead <= 0xdf) {
        length = 2;
      } else if (lead >= 0xe0 && lead <= 0xef) {
        length = 3;
        low = lead == 0xe0 ? 0xa0 : 0x80;
        high = lead == 0xed ? 0x9f : 0xbf;
      } else if (lead >= 0xf0 && lead <= 0xf4) {
        length = 4;
        low = lead == 0xf0 ? 0x90 : 0x80;
        high = lead == 0xf4 ? 0x8f : 0xbf;
      } else {
        return i;
      }
      if (i + length > to) {
        return i;
      }
      int second = bytes[i + 1] & 0xff;
      if (second < low || second > high) {
        return i;
      }
      for (int k = 2; k < length; k++) {
        if ((bytes[i + k] & 0xc0) != 0x80) {
          return i;
        }
      }
      i += length;
    }
    return -1;
  }
}
