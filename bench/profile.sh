#!/usr/bin/env bash
# Where final-server's time goes under load (docs/06-performance.md, "Profile"): runs final-server
# with Java Flight Recorder on, drives it with wrk (keep-alive, 50 connections, or pipelined), and
# prints JFR's summaries: hot methods (execution samples), allocation by site, GC.
#
#   bash bench/profile.sh                    # writes bench/results/profile-<workload>.txt
#   WORKLOAD=pipeline-16 bash bench/profile.sh
#
# JFR comes with the JDK (no agent to install); async-profiler would also see kernel frames
# (send/recv/epoll), which JFR's Java-only samples do not.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
DURATION=${DURATION:-20}
PORT=${PORT:-19190}
WORKLOAD=${WORKLOAD:-keepalive-50}
RESULTS=${RESULTS:-bench/results}
[ -n "${SKIP_BUILD:-}" ] || mvn -B -ntp -q -DskipTests package -pl final-server
dir=$(mktemp -d /tmp/http-profile.XXXXXX)
cp final-server/target/final-server.jar "$dir/"
"$JAVA" -Xms512m -Xmx512m -XX:StartFlightRecording=settings=profile,filename="$dir/final-server.jfr",dumponexit=true,jdk.ThreadAllocationStatistics#period=1s \
  -jar "$dir/final-server.jar" --port "$PORT" --access-log off > "$dir/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 150); do curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$PORT/" && break; sleep 0.2; done
case "$WORKLOAD" in
  pipeline-16) options=(-c 50 -s bench/lua/pipeline.lua) ;;
  post-json)   options=(-c 50 -s bench/lua/post-json.lua) ;;
  *)           options=(-c 50) ;;
esac
wrk -t 2 "${options[@]}" -d 5s "http://127.0.0.1:$PORT/" > "$dir/warmup.txt"   # warm-up: JIT before the samples that count
wrk -t 2 "${options[@]}" -d "${DURATION}s" "http://127.0.0.1:$PORT/" > "$dir/wrk.txt"
kill "$server"; wait "$server" 2>/dev/null || true
trap - EXIT
mkdir -p "$RESULTS"
out="$RESULTS/profile-$WORKLOAD.txt"
{
  echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ), load $(cut -d' ' -f1-3 /proc/loadavg); wrk ${options[*]} -d ${DURATION}s (after a 5 s warm-up)"
  grep -E 'Requests/sec|requests in' "$dir/wrk.txt"
  # Bytes allocated by the event-loop threads (JFR's per-thread counters, cumulative), per request
  # served in the warm-up and the measured run together.
  requests=$(awk '/requests in/ {n += $1} END {print n}' "$dir/warmup.txt" "$dir/wrk.txt")
  "$JFR" print --json --events jdk.ThreadAllocationStatistics "$dir/final-server.jfr" | python3 -c '
import json, sys
events = json.load(sys.stdin)["recording"]["events"]
per_thread = {}
for e in events:
    name = e["values"]["thread"]["javaName"] or ""
    if name.startswith("final-server-loop"):
        per_thread.setdefault(name, []).append(e["values"]["allocated"])
total = sum(max(v) - min(v) for v in per_thread.values())
requests = int(sys.argv[1])
print(f"event-loop threads allocated {total / 1e6:.1f} MB for {requests} requests: {total / requests:.0f} bytes per request")
' "$requests"
  for view in hot-methods native-methods allocation-by-site gc-pauses; do
    echo; "$JFR" view --width 150 "$view" "$dir/final-server.jfr" 2>&1 | head -40
  done
} > "$out"
cat "$out"
echo "(recording: $dir/final-server.jfr)"
