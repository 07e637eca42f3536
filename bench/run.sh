#!/usr/bin/env bash
# Runs the whole JMH harness, then renders PERFORMANCE.md's generated section and the latency chart
# from JMH's JSON. Everything lands in bench/results/ (JSON, log, notes, chart).
#
#   bench/run.sh                      # everything, about 20 minutes on 2 cores
#   bench/run.sh DataShardLatency     # one JMH run with these options and regexps instead; its results
#                                     # and report go to bench/results/partial/, PERFORMANCE.md stays
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
rm -f "$results"/jmh-*.json "$results/jmh.log"

mvn -q -B ${MAVEN_FLAGS:-} package -DskipTests -pl bench -am
classpath="bench/target/datashard-bench-0.1.0-SNAPSHOT.jar:bench/target/lib/*"

# One JMH run per operation, DataShard and Iceberg back to back, so both meet about the same
# background load on a shared machine (JMH alone would run all of one engine, then the other).
if [ $# -gt 0 ]; then
  steps=("$*")
else
  steps=('Latency\.createTable$' 'Latency\.append100Records$' 'Latency\.append10k' 'Latency\.read50k'
         'Contention\.' 'Throughput\.ingest$' 'Throughput\.scan')
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
  java -Ddatashard.bench.notes="$results/notes.tsv" -cp "$classpath" org.openjdk.jmh.Main \
    -prof gc -rf json -rff "$results/jmh-$step.json" $selection 2>&1 | tee -a "$results/jmh.log"
done

{
  echo "finished=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "load.end=$(cut -d' ' -f1-3 /proc/loadavg)"
} >> "$results/run.properties"

java -cp "$classpath" dev.datashard.bench.report.Report \
  "$results/notes.tsv" "$results/run.properties" "$markdown" "$results" "$results"/jmh-*.json
