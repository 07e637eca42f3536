#!/usr/bin/env bash
# Issue #16's runs, as made on 2026-11-30 (see PERFORMANCE.md, "Row-level changes (issue #16)").
# Built first with: mvn -o -q -B package -DskipTests -pl bench -am
set -euo pipefail
cd "$(dirname "$0")/../../.."
out=bench/results/issue16
cp="bench/target/datashard-bench-0.1.0-SNAPSHOT.jar:bench/target/lib/*"
scratch=$(mktemp -d /tmp/datashard-bench-issue16-XXXXXX)
trap 'rm -rf "$scratch"' EXIT
step() {
  local name=$1; shift
  echo "$name start=$(date -u +%H:%M:%SZ) load=$(cut -d' ' -f1-3 /proc/loadavg) nproc=$(nproc)" >> $out/run.properties
  # jmh.ignoreLock: other sessions' JMH runs hold /tmp/jmh.lock on this shared machine
  java -Djmh.ignoreLock=true -Ddatashard.bench.notes=$out/notes.tsv -Ddatashard.bench.scratch="$scratch" -cp "$cp" \
    org.openjdk.jmh.Main -f 1 -wi 1 -i 3 -rf json -rff $out/jmh-$name.json "$@" 2>&1 | tee $out/jmh-$name.log
  echo "$name end=$(date -u +%H:%M:%SZ) load=$(cut -d' ' -f1-3 /proc/loadavg)" >> $out/run.properties
}
step deletes 'RowLevelChanges\.(deleteOnePercent|scanWith|icebergScan)'
step compaction 'RowLevelChanges\.(compact|scanSmallFiles|scanCompacted)$'
