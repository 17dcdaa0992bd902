#!/usr/bin/env bash
# final-server holds 10,000 idle keep-alive connections with under 200 MiB resident and still
# serves (docs/06-performance.md, "10,000 idle connections").
#
#   bash bench/idle-check.sh            # exit code 0 when it passed; writes bench/results/idle-check.txt
#   CONNECTIONS=20000 bash bench/idle-check.sh
#
# Loopback only; the check opens CONNECTIONS connections, answers one request on each, holds them,
# reads VmRSS from /proc/<pid>/status, then closes everything and stops the server.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
CONNECTIONS=${CONNECTIONS:-10000}
MAX_RSS_MIB=${MAX_RSS_MIB:-200}
PORT=${PORT:-19180}
RESULTS=${RESULTS:-bench/results}
# final-server's own defaults (heap sized by the JVM), except: no access log, and room for the
# connections plus the one that checks it still serves (its default is 10,000 at most).
SERVER_ARGS=${SERVER_ARGS:-"--access-log off --max-connections $((CONNECTIONS + 100)) --backlog 4096"}
JAVA_OPTS=${JAVA_OPTS:-""}
if [ -z "${SKIP_BUILD:-}" ]; then
  mvn -B -ntp -q -DskipTests package -pl final-server
  mvn -B -ntp -q -DskipTests -Pbench package -pl benchmarks
fi
[ "$(ulimit -n)" = unlimited ] || [ "$(ulimit -n)" -gt $((CONNECTIONS + 1000)) ] || {
  echo "open-files limit $(ulimit -n) is too low for $CONNECTIONS connections (raise the hard limit)" >&2; exit 1; }
dir=$(mktemp -d /tmp/http-idle.XXXXXX)
cp final-server/target/final-server.jar benchmarks/target/benchmarks.jar "$dir/"
# shellcheck disable=SC2086
"$JAVA" $JAVA_OPTS -jar "$dir/final-server.jar" --port "$PORT" $SERVER_ARGS > "$dir/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 1 150); do curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$PORT/" && break; sleep 0.2; done
mkdir -p "$RESULTS"
{
  echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, load: $(cut -d' ' -f1-3 /proc/loadavg), ulimit -n $(ulimit -n)"
  echo "# final-server $SERVER_ARGS ${JAVA_OPTS:+(JVM: $JAVA_OPTS)}, $("$JAVA" -version 2>&1 | head -1)"
  echo "server threads: $(ls /proc/$server/task | wc -l), VmRSS before the check: $(awk '/VmRSS/ {print $2, $3}' /proc/$server/status)"
  "$JAVA" -cp "$dir/benchmarks.jar" dev.httpfromscratch.bench.IdleConnectionsCheck --port "$PORT" --pid "$server" \
    --connections "$CONNECTIONS" --max-rss-mib "$MAX_RSS_MIB" && echo 0 > "$dir/status" || echo 1 > "$dir/status"
  echo "server threads after: $(ls /proc/$server/task | wc -l)"
} 2>&1 | tee "$RESULTS/idle-check.txt"
status=$(cat "$dir/status")
rm -f "$dir"/*.jar
exit "$status"
