#!/usr/bin/env bash
# Runs the whole JMH harness and the S3 round-trip check, then renders PERFORMANCE.md's generated
# section and the latency chart from their output. Everything lands in bench/results/ (JMH's JSON,
# log, notes, round-trips.tsv, latency.svg).
#
#   bench/run.sh                      # everything: local, local-nofsync and s3 stores; 26-30 minutes on 2 cores (estimated)
#   bench/run.sh DataShardLatency     # one JMH run with these options and regexps instead; its results
#                                     # and report go to bench/results/partial/, PERFORMANCE.md stays
#   bench/run.sh S3ModelCheck         # the round-trip check alone (about 2 minutes), also to partial/
#   bench/run.sh --steps 'A' 'B'      # several JMH runs, one per argument (options and regexps), in
#                                     # one report, also to partial/
#   MAVEN_FLAGS=-o bench/run.sh       # build offline
set -euo pipefail
cd "$(dirname "$0")/.."
results=bench/results
markdown=PERFORMANCE.md
if [ $# -gt 0 ]; then
  results=bench/results/partial
  markdown=$results/PERFORMANCE.md
fi
mkdir -p "$results"
rm -f "$results"/jmh-*.json "$results/jmh.log" "$results"/*.svg "$results/round-trips.tsv"

mvn -q -B ${MAVEN_FLAGS:-} package -DskipTests -pl bench -am
classpath="bench/target/datashard-bench-0.1.0-SNAPSHOT.jar:bench/target/lib/*"
# The S3 server's jar, fetched by io's build (JMH forks inherit the property).
s3proxy=-Ds3proxy.jar="$PWD/io/target/s3proxy/s3proxy.jar"

# Every fork leaves its local tables in this directory (see Scratch); they are deleted once, at
# the end: deleting thousands of tables between forks made the next fork's creates slower. The
# largest share is the local throughput runs' 10-million-row tables, about 3 GB. (The s3 store's
# S3Proxy removes its own files when its fork ends.)
scratch=$(mktemp -d "${TMPDIR:-/tmp}/datashard-bench-run-XXXXXX")
trap 'rm -rf "$scratch"' EXIT

# One JMH run per operation, DataShard and Iceberg back to back, so both meet about the same
# background load on a shared machine (JMH alone would run all of one engine, then the other).
# The s3 store runs in the same steps as the local ones, except the bulk operations: 1 fork x
# (1 warm-up + 3 measured) on s3 instead of 2 x (1 + 4), to keep the whole run near 30 minutes.
check=false
if [ $# -eq 1 ] && [ "$1" = S3ModelCheck ]; then
  steps=()
  check=true
elif [ $# -gt 0 ] && [ "$1" = --steps ]; then
  steps=("${@:2}")
elif [ $# -gt 0 ]; then
  steps=("$*")
else
  steps=('Latency\.createTable$' 'Latency\.append100Records$' 'Latency\.append10k' 'Latency\.read50k'
         'Contention\.' '-p store=local Throughput\.ingest$' '-p store=local Throughput\.scan'
         '-p store=s3 -f 1 -wi 1 -i 3 DataShardThroughput\.'
         '-p store=local -p codec=snappy,gzip,lz4,lz4_raw,uncompressed -f 1 -wi 1 -i 1 DataShardThroughput\.ingest$'
         'CliAppend')
  check=true
fi

: > "$results/notes.tsv"
{
  echo "command=bench/run.sh${*:+ $*}"
  echo "started=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
} > "$results/run.properties"

step=0
for selection in "${steps[@]}"; do
  step=$((step + 1))
  echo "load.$step=$(cut -d' ' -f1-3 /proc/loadavg) before: $selection" >> "$results/run.properties"
  # -prof gc: heap allocation per operation and GC counts, for the append and read paths alike.
  # shellcheck disable=SC2086 # a user's selection is JMH options and regexps, split on purpose
  java -Ddatashard.bench.notes="$results/notes.tsv" -Ddatashard.bench.scratch="$scratch" "$s3proxy" -cp "$classpath" \
    org.openjdk.jmh.Main -prof gc -rf json -rff "$results/jmh-$step.json" $selection 2>&1 | tee -a "$results/jmh.log"
done

# The round-trip check: S3Proxy behind a fixed added delay per request (S3ModelCheck); the first
# 0 ms round warms the JIT up. 60 iterations per delay: about 2 minutes.
if [ "$check" = true ]; then
  echo "load.$((step + 1))=$(cut -d' ' -f1-3 /proc/loadavg) before: S3ModelCheck" >> "$results/run.properties"
  delays=(0 0 20 70)
  check_started=$(date -u +%H:%M:%SZ)
  java --add-opens=java.base/java.nio=ALL-UNNAMED -Xmx3g -Dn=60 "$s3proxy" -cp "$classpath" \
    dev.datashard.bench.S3ModelCheck "$results/round-trips.tsv" "${delays[@]}" 2>&1 | tee -a "$results/jmh.log"
  echo "check=delays ${delays[*]} ms, $check_started to $(date -u +%H:%M:%SZ)" >> "$results/run.properties"
fi

{
  echo "finished=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "load.end=$(cut -d' ' -f1-3 /proc/loadavg)"
} >> "$results/run.properties"

shopt -s nullglob
java -cp "$classpath" dev.datashard.bench.report.Report "$results/notes.tsv" "$results/run.properties" \
  "$results/round-trips.tsv" "$markdown" "$results" "$results"/jmh-*.json
