#!/usr/bin/env bash
# A/B of the DeleteLoader fix (path decoded once per run of equal paths, no boxing in merge):
# the bench jar and its lib/ copied before (/tmp/i16-before, ba1258e) and after (/tmp/i16-after),
# run alternately, twice, in the same minutes.
set -euo pipefail
cd "$(dirname "$0")/../../.."
out=bench/results/issue16
scratch=$(mktemp -d /tmp/datashard-bench-issue16-ab-XXXXXX)
trap 'rm -rf "$scratch"' EXIT
for round in 1 2; do
  for build in before after; do
    echo "ab $build round $round start=$(date -u +%H:%M:%SZ) load=$(cut -d' ' -f1-3 /proc/loadavg)" >> $out/run.properties
    java -Djmh.ignoreLock=true -Ddatashard.bench.scratch="$scratch" \
      -cp "/tmp/i16-$build/datashard-bench-0.1.0-SNAPSHOT.jar:/tmp/i16-$build/lib/*" \
      org.openjdk.jmh.Main -f 1 -wi 1 -i 3 -rf json -rff $out/jmh-ab-$build-$round.json \
      'RowLevelChanges\.scanWith' 2>&1 | tee $out/jmh-ab-$build-$round.log
  done
done
echo "ab end=$(date -u +%H:%M:%SZ) load=$(cut -d' ' -f1-3 /proc/loadavg)" >> $out/run.properties
