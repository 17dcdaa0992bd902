#!/usr/bin/env bash
# Where a request's CPU goes, in microseconds per request (docs/06-performance.md, "Keep-alive and
# pipelining: the kernel's share and the server's"): runs final-server (one event loop) or the raw
# NIO loop pinned to CPU 0, drives it with wrk pinned to CPU 1, samples the server with
# `perf record` while wrk runs, and divides the samples of each thread by the requests wrk
# completed, split by where the CPU was: the kernel, JIT-compiled Java, the vDSO (clock reads),
# libc and the JDK's native libraries. The top symbols outside the kernel follow.
#
#   bash bench/cpu-split.sh                                  # final-server, keep-alive, 50 connections
#   WORKLOAD=pipeline-16 bash bench/cpu-split.sh
#   TARGET=raw-nio-loop bash bench/cpu-split.sh              # the floor, for comparison
#   JAR=/path/to/other/final-server.jar SKIP_BUILD=1 bash bench/cpu-split.sh
#   TOP=40 bash bench/cpu-split.sh                           # list 40 symbols instead of 15
#
# Why samples and not /proc's CPU time: the time per request of the whole process moves by 10 %
# from one run to the next with how many events each epoll_wait returns, and most of it is the
# kernel's; the samples of the server's own code per request move far less, so a change of a few
# percent in the Java part shows. Needs perf (apt-get install linux-perf) and a
# kernel.perf_event_paranoid that lets this user sample kernel frames (root, or 1 or lower).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
command -v perf >/dev/null || { echo "perf is missing: apt-get install -y linux-perf" >&2; exit 1; }
WORKLOAD=${WORKLOAD:-keepalive-50}
TARGET=${TARGET:-final-server}
DURATION=${DURATION:-6}
WARMUP=${WARMUP:-10}
PORT=${PORT:-19192}
FREQUENCY=${FREQUENCY:-2999}
dir=$(mktemp -d /tmp/http-cpu-split.XXXXXX)
if [ "$TARGET" = raw-nio-loop ]; then
  [ -n "${SKIP_BUILD:-}" ] || mvn -B -ntp -q -DskipTests -Pbench package -pl benchmarks
  cp benchmarks/target/benchmarks.jar "$dir/server.jar"
  command=(-cp "$dir/server.jar" dev.httpfromscratch.bench.RawNioLoopServer --port "$PORT" --reactors 1)
else
  [ -n "${SKIP_BUILD:-}" ] || mvn -B -ntp -q -DskipTests package -pl final-server
  cp "${JAR:-final-server/target/final-server.jar}" "$dir/server.jar"
  command=(-jar "$dir/server.jar" --port "$PORT" --event-loops 1 --access-log off --backlog 4096)
fi
# DumpPerfMapAtExit writes /tmp/perf-<pid>.map, which names the JIT-compiled methods for perf;
# PreserveFramePointer keeps their frames walkable.
taskset -c 0 "$JAVA" -Xms512m -Xmx512m -XX:+PreserveFramePointer -XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit \
  "${command[@]}" > "$dir/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
wait_for_server "$PORT"
workload_options "$WORKLOAD"
taskset -c 1 wrk -t 2 "${options[@]}" -d "${WARMUP}s" "http://127.0.0.1:$PORT/" > /dev/null   # JIT first
perf record -q -F "$FREQUENCY" -p "$server" -o "$dir/perf.data" -- sleep "$DURATION" > /dev/null 2>&1 &
recorder=$!
taskset -c 1 wrk -t 2 "${options[@]}" -d "${DURATION}s" "http://127.0.0.1:$PORT/" > "$dir/wrk.txt"
wait "$recorder" || true
kill "$server"; wait "$server" 2>/dev/null || true   # the perf map is written at exit
trap - EXIT
requests=$(awk '/requests in/ {print $1}' "$dir/wrk.txt")
echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ), load $(cut -d' ' -f1-3 /proc/loadavg); $TARGET, $WORKLOAD: wrk -t 2 ${options[*]} -d ${DURATION}s, $requests requests, perf at $FREQUENCY Hz"
echo "µs per request by thread and where the CPU was (threads under 0.005 µs left out):"
perf report -i "$dir/perf.data" --no-children --sort comm,dso -F sample,comm,dso --stdio -g none 2>/dev/null \
  | awk -v n="$requests" -v hz="$FREQUENCY" '$1 ~ /^[0-9]+$/ {
      us = $1 / hz / n * 1e6; if (us < 0.005) next
      dso = $NF; sub(/^\[JIT\]$/, "", dso); kind = dso
      if ($0 ~ /\[JIT\]/) kind = "Java (JIT-compiled)"; else if (dso ~ /kernel/) kind = "kernel"; else if (dso ~ /vdso/) kind = "vDSO (clock reads)"
      $1 = ""; line = $0; sub(/\[JIT\].*|\[kernel.*|\[vdso.*|lib[a-z0-9_.-]*\.so.*$/, "", line)
      printf "  %7.3f  %-18s %s\n", us, line, kind }'
echo "top symbols outside the kernel, µs per request:"
perf report -i "$dir/perf.data" --no-children --sort sym -F sample,sym --stdio -g none 2>/dev/null \
  | awk -v n="$requests" -v hz="$FREQUENCY" '$1 ~ /^[0-9]+$/ && $2 != "[k]" { us = $1 / hz / n * 1e6; $1 = ""; $2 = ""
      if (us >= 0.004) printf "  %7.3f %s\n", us, $0 }' | sort -rn | head -${TOP:-15}
rm -rf "$dir" "/tmp/perf-$server.map"
