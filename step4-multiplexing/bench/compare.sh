#!/usr/bin/env bash
# Load comparison for docs/04-multiplexing.md, "Measured": step 2's thread per connection, the
# step-4 Selector event loop and the step-4 virtual-thread server, under wrk at 100 and 5,000
# connections. Reports requests/s, p99 latency, the server's threads and resident memory (both
# peaks, sampled from /proc/<pid>/status while wrk runs) and wrk's socket errors.
#
#   bash step4-multiplexing/bench/compare.sh              # 10 s per run, ~3 minutes in all
#   DURATION=30s CONNECTIONS="100 1000 5000" bash step4-multiplexing/bench/compare.sh
#   ONLY=selector MODES=keep-alive CONNECTIONS=5000 bash step4-multiplexing/bench/compare.sh
#
# Loopback only (127.0.0.1), bounded: each run lasts DURATION, each server is killed after its
# runs. The load generator runs on the same machine as the server: on a 2-core machine wrk and the
# server share the two cores, so the numbers compare the servers with each other, not with a
# production machine. Needs wrk (Debian package), a JDK 21+, and a raised open-files limit.
set -euo pipefail
cd "$(dirname "$0")/../.."

DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-"100 5000"}
WRK_THREADS=${WRK_THREADS:-2}
PORT=${PORT:-18404}
MODES=${MODES:-"keep-alive close"}
ONLY=${ONLY:-}                       # a pattern: run only the servers whose name matches it
JVM_FLAGS=${JVM_FLAGS:-"-Xms256m -Xmx1g"} # the same heap for every server, so RSS compares like with like

# 5,000 connections need 5,000 fds in wrk and as many in the server, plus the JVM's own.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 12000 ]; then
  echo "open-files limit is $(ulimit -n); 5,000 connections need more than 10,000 (raise the hard limit: /etc/security/limits.conf, or 'ulimit -Hn' as root)" >&2
fi

if ! command -v wrk >/dev/null; then
  echo "== installing wrk (Debian package)"
  apt-get install -y wrk >/dev/null
fi

java="$(./java21 --home)/bin/java" # a JDK 21+, found the way docs/00-setup.md says

if [ ! -f step2-io/target/step2-io.jar ] || [ ! -f step4-multiplexing/target/step4-multiplexing.jar ]; then
  echo "== building the jars"
  mvn -B -ntp -q -pl step2-io,step4-multiplexing -DskipTests package
fi

# name | command line (the port is appended)
servers=(
  "step2 thread per connection|-jar step2-io/target/step2-io.jar --threads per-connection --max-connections 10000 --backlog 4096 --read-timeout 30000"
  "step4 selector|-jar step4-multiplexing/target/step4-multiplexing.jar --server selector --max-connections 10000 --backlog 4096 --idle-timeout 30000"
  "step4 virtual threads|-jar step4-multiplexing/target/step4-multiplexing.jar --server virtual-threads --max-connections 10000 --backlog 4096 --idle-timeout 30000"
)

server_pid=""
stop_server() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
  fi
}
trap stop_server EXIT

# Peak Threads and VmRSS of $1 until the file $2 appears.
sample() {
  local pid=$1 stop=$2 threads=0 rss=0 t r
  while [ ! -e "$stop" ] && kill -0 "$pid" 2>/dev/null; do
    t=$(awk '/^Threads:/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
    r=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
    [ "${t:-0}" -gt "$threads" ] && threads=$t
    [ "${r:-0}" -gt "$rss" ] && rss=$r
    sleep 0.2
  done
  echo "$threads $((rss / 1024))"
}

results=()
echo "== $(nproc) cores, $("$java" -version 2>&1 | head -1), wrk -t$WRK_THREADS -d$DURATION, JVM flags: $JVM_FLAGS"
for entry in "${servers[@]}"; do
  name=${entry%%|*}
  args=${entry#*|}
  if [ -n "$ONLY" ] && [[ ! $name =~ $ONLY ]]; then continue; fi
  for mode in $MODES; do
    # step 2 closes every connection after one response, whatever the client asks: a keep-alive
    # run would measure wrk reconnecting after errors, so it is measured with Connection: close only.
    if [[ $name == step2* && $mode == keep-alive ]]; then continue; fi
    header=()
    [ "$mode" = close ] && header=(-H "Connection: close")
    for connections in $CONNECTIONS; do
      # shellcheck disable=SC2086
      "$java" $JVM_FLAGS $args --port "$PORT" >/dev/null 2>&1 &
      server_pid=$!
      for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$PORT/" && break; sleep 0.2; done
      wrk -t2 -c50 -d3s "${header[@]}" "http://127.0.0.1:$PORT/" >/dev/null # warm-up: JIT-compile the hot paths
      load=$(cut -d' ' -f1 /proc/loadavg) # other programs on the machine skew everything: say so
      stopfile=$(mktemp -u)
      sample "$server_pid" "$stopfile" > "$stopfile.out" &
      sampler=$!
      out=$(wrk -t"$WRK_THREADS" -c"$connections" -d"$DURATION" --latency --timeout 10s "${header[@]}" "http://127.0.0.1:$PORT/")
      touch "$stopfile"; wait "$sampler"
      read -r threads rss < "$stopfile.out"; rm -f "$stopfile" "$stopfile.out"
      stop_server
      rps=$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' <<<"$out")
      p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
      errors=$(awk '/Socket errors:/ {sub(/^ *Socket errors: */, ""); print}' <<<"$out")
      results+=("| $name | $mode | $connections | $rps | $p99 | $threads | $rss | ${errors:-none} | $load |")
      echo "${results[-1]}"
    done
  done
done

echo
echo "| server | connections | wrk connections | requests/s | p99 latency | server threads (peak) | server RSS MiB (peak) | wrk socket errors | load average before the run |"
echo "|---|---|---:|---:|---:|---:|---:|---|---:|"
printf '%s\n' "${results[@]}"
