#!/usr/bin/env bash
# Runs the whole JMH harness, then renders PERFORMANCE.md's generated section and the latency chart
# from JMH's JSON. Everything lands in bench/results/ (JSON, log, notes, chart).
#
#   bench/run.sh                      # everything, about 25 minutes on 2 cores
#   bench/run.sh DataShardLatency     # a subset: any JMH options and benchmark regexps
#   MAVEN_FLAGS=-o bench/run.sh       # build offline
set -euo pipefail
cd "$(dirname "$0")/.."
results=bench/results
mkdir -p "$results"

mvn -q -B ${MAVEN_FLAGS:-} package -DskipTests -pl bench -am
classpath="bench/target/datashard-bench-0.1.0-SNAPSHOT.jar:bench/target/lib/*"

: > "$results/notes.tsv"
{
  echo "command=bench/run.sh${*:+ $*}"
  echo "started=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "load.start=$(cut -d' ' -f1-3 /proc/loadavg)"
} > "$results/run.properties"

# -prof gc: heap allocation per operation and GC counts, for the append and read paths alike.
java -Ddatashard.bench.notes="$results/notes.tsv" -cp "$classpath" org.openjdk.jmh.Main \
  -prof gc -rf json -rff "$results/jmh.json" "$@" 2>&1 | tee "$results/jmh.log"

{
  echo "finished=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "load.end=$(cut -d' ' -f1-3 /proc/loadavg)"
} >> "$results/run.properties"

java -cp "$classpath" dev.datashard.bench.report.Report \
  "$results/jmh.json" "$results/notes.tsv" "$results/run.properties" PERFORMANCE.md "$results"
