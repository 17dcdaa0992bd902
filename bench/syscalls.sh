#!/usr/bin/env bash
# System calls per request (docs/06-performance.md, "How the connection-per-request cost was
# found"): runs final-server (or nginx) with one event loop, warms it up with wrk, then counts the
# system calls of every thread of the process while wrk runs, and divides by the requests wrk
# completed. A count per request depends far less on how busy the machine is than a CPU time
# does: it is the figure to compare before and after a change on a busy machine.
#
# Two counters: COUNTER=perf (the default when perf is installed) counts the kernel's syscall
# tracepoints (`perf stat -e syscalls:sys_enter_*`), which barely slows the server, so races such
# as "is the request already there when the connection is accepted" come out as they do in a
# real run; COUNTER=strace (`strace -c -f`) names every call made, but stops the process at each
# one, so the server runs several times slower and such races come out differently.
#
#   bash bench/syscalls.sh                            # Connection: close, 50 connections
#   WORKLOAD=keepalive-50 bash bench/syscalls.sh
#   JAR=/path/to/other/final-server.jar SKIP_BUILD=1 bash bench/syscalls.sh   # another build
#   TARGET=nginx bash bench/syscalls.sh               # nginx, one worker, bench/nginx's configuration
#   TARGET=raw-nio-loop bash bench/syscalls.sh        # the floor (benchmarks/RawNioLoopServer), one reactor
#
# strace stops the process at every system call, so throughput under it is far below the real
# one: read the counts, not the requests per second. Loopback only; each wrk run is bounded by
# DURATION seconds and 50 connections.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
COUNTER=${COUNTER:-$(command -v perf >/dev/null && echo perf || echo strace)}
command -v "$COUNTER" >/dev/null || { echo "$COUNTER is missing: apt-get install -y ${COUNTER/perf/linux-perf}" >&2; exit 1; }
# The calls a server makes per connection or per request, for perf (strace lists whatever it saw).
CALLS="accept accept4 read recvfrom write writev close shutdown epoll_ctl epoll_wait fcntl getsockname getsockopt setsockopt futex"
DURATION=${DURATION:-5}
PORT=${PORT:-19191}
WORKLOAD=${WORKLOAD:-close}
LOOPS=${LOOPS:-1}
RESULTS=${RESULTS:-bench/results}
TARGET=${TARGET:-final-server}
dir=$(mktemp -d /tmp/http-syscalls.XXXXXX)
if [ "$TARGET" = nginx ]; then
  mkdir -p "$dir/tmp" "$dir/logs"
  sed -e "s/__PORT__/$PORT/" -e "s/__WORKERS__/$LOOPS/" bench/nginx/nginx.conf.template > "$dir/nginx.conf"
  nginx -p "$dir/" -c "$dir/nginx.conf" -e stderr > "$dir/server.log" 2>&1 &
elif [ "$TARGET" = raw-nio-loop ]; then
  [ -n "${SKIP_BUILD:-}" ] || mvn -B -ntp -q -DskipTests -Pbench package -pl benchmarks
  cp benchmarks/target/benchmarks.jar "$dir/bench.jar"
  "$JAVA" -Xms512m -Xmx512m -cp "$dir/bench.jar" dev.httpfromscratch.bench.RawNioLoopServer --port "$PORT" --reactors "$LOOPS" \
    > "$dir/server.log" 2>&1 &
else
  [ -n "${SKIP_BUILD:-}" ] || mvn -B -ntp -q -DskipTests package -pl final-server
  cp "${JAR:-final-server/target/final-server.jar}" "$dir/server.jar" # a copy: another build may rewrite target/
  "$JAVA" -Xms512m -Xmx512m -jar "$dir/server.jar" --port "$PORT" --event-loops "$LOOPS" --access-log off --backlog 4096 \
    > "$dir/server.log" 2>&1 &
fi
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
wait_for_server "$PORT"
workload_options "$WORKLOAD"
wrk -t 2 "${options[@]}" -d 5s "http://127.0.0.1:$PORT/" > /dev/null   # warm-up: JIT before counting
pids="$server $(cat /proc/"$server"/task/*/children 2>/dev/null)" # nginx's workers too
if [ "$COUNTER" = perf ]; then
  events=raw_syscalls:sys_enter
  for call in $CALLS; do events="$events,syscalls:sys_enter_$call"; done
  perf stat -x, -e "$events" -p "$(echo $pids | tr ' ' ,)" -o "$dir/counts.txt" &
else
  traced=(); for pid in $pids; do traced+=(-p "$pid"); done
  strace -c -f -q -o "$dir/counts.txt" "${traced[@]}" &
fi
tracer=$!
sleep 1 # the counter attaches to every thread before the counted run starts
wrk -t 2 "${options[@]}" -d "${DURATION}s" "http://127.0.0.1:$PORT/" > "$dir/wrk.txt"
kill -INT "$tracer"; wait "$tracer" 2>/dev/null || true
kill "$server"; wait "$server" 2>/dev/null || true
trap - EXIT
requests=$(awk '/requests in/ {print $1}' "$dir/wrk.txt")
mkdir -p "$RESULTS"
out="$RESULTS/syscalls-$TARGET-$WORKLOAD.txt"
{
  echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ), load $(cut -d' ' -f1-3 /proc/loadavg); $TARGET, $LOOPS event loop(s) / worker(s); wrk -t 2 ${options[*]} -d ${DURATION}s counted by $COUNTER: $requests requests"
  if [ "$COUNTER" = perf ]; then
    # perf stat -x, lines: count,,event,...; raw_syscalls:sys_enter is every call, named or not.
    awk -F, -v n="$requests" '$3 ~ /sys_enter/ && $1 + 0 > 0 { name = $3; sub(/.*sys_enter_?/, "", name); if (name == "") name = "total"
                                 printf "%-16s %8.2f per request\n", name, $1 / n }' "$dir/counts.txt"
  else
    # strace -c's table: calls in column 4, the name last; "total" is the sum.
    awk -v n="$requests" '$1 ~ /^[0-9.]+$/ && NF >= 5 { printf "%-16s %8.2f per request\n", $NF, $4 / n }' "$dir/counts.txt"
  fi | sort -k2 -n -r
} > "$out"
cat "$out"
