#!/usr/bin/env bash
# JMH benchmark of step 3's RequestParser (docs/06-performance.md, "The parser under JMH"):
# throughput and, with -prof gc, bytes allocated per parsed request (gc.alloc.rate.norm).
#
#   bash bench/jmh.sh                 # builds benchmarks.jar, ~1 minute, writes bench/results/jmh.*
#   SKIP_BUILD=1 bash bench/jmh.sh -f 1 -wi 2 -i 3     # extra arguments go to JMH
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
RESULTS=${RESULTS:-bench/results}
mkdir -p "$RESULTS"
[ -n "${SKIP_BUILD:-}" ] || mvn -B -ntp -q -DskipTests -Pbench package -pl benchmarks
jar=$(mktemp -d /tmp/http-jmh.XXXXXX)/benchmarks.jar
cp benchmarks/target/benchmarks.jar "$jar" # a copy: another build may rewrite target/ meanwhile
{ echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, load: $(cut -d' ' -f1-3 /proc/loadavg)"; echo "# $("$JAVA" -version 2>&1 | head -1)"; } > "$RESULTS/jmh.txt"
"$JAVA" -cp "$jar" dev.httpfromscratch.bench.RequestParserBenchmark RequestParserBenchmark -prof gc \
  -rf json -rff "$RESULTS/jmh.json" "$@" 2>&1 | tee -a "$RESULTS/jmh.txt"
rm -rf "$(dirname "$jar")"
