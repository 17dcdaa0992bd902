#!/usr/bin/env bash
# final-server holds 100,000 idle keep-alive connections within 2 KiB each above its idle
# baseline, and still answers a fresh request (docs/06-performance.md, "100,000 idle connections").
#
#   bash bench/idle-check.sh            # exit code 0 when it passed; writes bench/results/idle-check.txt
#   CONNECTIONS=15000 bash bench/idle-check.sh
#
# The client spreads its connections over SOURCES addresses 127.0.0.1..127.0.0.K (one address
# has about 28,000 ephemeral ports). Both processes need an open-files limit above CONNECTIONS:
# the script stops at once, saying so, when the hard limit (`ulimit -Hn`) is lower.
# Loopback only; the check opens CONNECTIONS connections, answers one request on each, holds them,
# reads VmRSS and the open files from /proc/<pid>, then closes everything and stops the server.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
CONNECTIONS=${CONNECTIONS:-100000}
SOURCES=${SOURCES:-$((CONNECTIONS / 20000 + 1))}
MAX_KIB_PER_CONNECTION=${MAX_KIB_PER_CONNECTION:-2}
SETTLE_SECONDS=${SETTLE_SECONDS:-2}   # from the last connection opened to reading the RSS held
PORT=${PORT:-19180}
RESULTS=${RESULTS:-bench/results}
# final-server's own defaults (heap sized by the JVM), except: no access log, room for the
# connections plus the check's own fresh one (its default cap is 10,000), and an idle timeout
# longer than opening 100,000 connections takes (the default 60 s would close the first ones).
SERVER_ARGS=${SERVER_ARGS:-"--access-log off --max-connections $((CONNECTIONS + 100)) --backlog 4096 --idle-timeout-ms 600000"}
JAVA_OPTS=${JAVA_OPTS:-""}
[ "$(ulimit -n)" = unlimited ] || [ "$(ulimit -n)" -ge $((CONNECTIONS + 1000)) ] || {
  echo "open-files limit $(ulimit -n) (hard: $(ulimit -Hn)) is too low for $CONNECTIONS connections:" >&2
  echo "raise the hard limit to at least $((CONNECTIONS + 1000)) (LimitNOFILE=, /etc/security/limits.conf) or run CONNECTIONS=$(( $(ulimit -n) - 1000 ))" >&2
  exit 1; }
if [ -z "${SKIP_BUILD:-}" ]; then
  mvn -B -ntp -q -DskipTests package -pl final-server
  mvn -B -ntp -q -DskipTests -Pbench package -pl benchmarks
fi
dir=$(mktemp -d /tmp/http-idle.XXXXXX)
cp final-server/target/final-server.jar benchmarks/target/benchmarks.jar "$dir/"
# shellcheck disable=SC2086
"$JAVA" $JAVA_OPTS -jar "$dir/final-server.jar" --port "$PORT" $SERVER_ARGS > "$dir/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 1 150); do curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$PORT/" && break; sleep 0.2; done
mkdir -p "$RESULTS"
{
  echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, load: $(cut -d' ' -f1-3 /proc/loadavg), ulimit -n $(ulimit -n), ephemeral ports $(tr '\t' - < /proc/sys/net/ipv4/ip_local_port_range)"
  echo "# final-server $SERVER_ARGS ${JAVA_OPTS:+(JVM: $JAVA_OPTS)}, $("$JAVA" -version 2>&1 | head -1)"
  echo "server threads: $(ls /proc/$server/task | wc -l), VmRSS before the check: $(awk '/VmRSS/ {print $2, $3}' /proc/$server/status)"
  "$JAVA" -cp "$dir/benchmarks.jar" dev.httpfromscratch.bench.IdleConnectionsCheck --port "$PORT" --pid "$server" \
    --connections "$CONNECTIONS" --sources "$SOURCES" --max-kib-per-connection "$MAX_KIB_PER_CONNECTION" --settle-seconds "$SETTLE_SECONDS" && echo 0 > "$dir/status" || echo 1 > "$dir/status"
  echo "server threads after: $(ls /proc/$server/task | wc -l)"
} 2>&1 | tee "$RESULTS/idle-check.txt"
status=$(cat "$dir/status")
rm -f "$dir"/*.jar
exit "$status"
