#!/usr/bin/env bash
# The whole performance comparison of docs/06-performance.md, in one command:
#
#   bash bench/run.sh
#
# builds the servers and the benchmark module, starts every target on a loopback port, and runs
# wrk against them interleaved (round 1: A B C ..., round 2: A B C ..., ...) for every workload.
# Per run it records requests/s, p99 latency, errors, the server's CPU time (utime+stime from
# /proc/<pid>/stat, before and after) and the 1-minute load average; bench/report.py then writes
# the medians, the ratios to the reference target, the tables and the charts under bench/results/.
#
# Knobs (environment variables):
#   DURATION=10      seconds of each measured wrk run      WARMUP=3   seconds of wrk before each
#   INITIAL_WARMUP=15  seconds of wrk per target before the first round (JIT compilation)
#   ROUNDS=3         interleaved rounds per workload        THREADS=2  wrk threads
#   TARGETS="..."    which targets, in order (default: every one that is built/installed)
#   WORKLOADS="..."  keepalive-50 keepalive-1000 pipeline-16 close post-json
#   REFERENCE=final-server   the target the ratios are computed against
#   SKIP_BUILD=1     use the jars already in */target
#   RESULTS=bench/results    where results.csv, results.json, results.md and the SVG charts go
#
# Loopback only: every target binds 127.0.0.1 or the wildcard, and wrk talks to 127.0.0.1.
# Every wrk run is bounded by DURATION and its connection count; the script stops the targets it
# started (by their process ids) when it ends, also on Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

DURATION=${DURATION:-10}
WARMUP=${WARMUP:-3}
INITIAL_WARMUP=${INITIAL_WARMUP:-15}
ROUNDS=${ROUNDS:-3}
THREADS=${THREADS:-2}
WORKLOADS=${WORKLOADS:-"keepalive-50 keepalive-1000 pipeline-16 close post-json"}
REFERENCE=${REFERENCE:-final-server}
RESULTS=${RESULTS:-bench/results}
BASE_PORT=${BASE_PORT:-19080}
# The same heap settings for every Java target, so that no server wins by having more heap.
JAVA_OPTS=${JAVA_OPTS:-"-Xms512m -Xmx512m"}
# Netty samples buffers for leak reports unless told not to; a deployment turns that off.
NETTY_OPTS=${NETTY_OPTS:-"-Dio.netty.leakDetection.level=disabled"}
REACTORS=${REACTORS:-$(nproc)}

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }

# ---- a JDK 21+ (found the way .ci/run finds it) and a raised open-files limit -------------------
source bench/common.sh

# ---- build ------------------------------------------------------------------------------------
SERVER_MODULES=""
for module in final-server step4-multiplexing step2-io; do
  [ -f "$module/pom.xml" ] && SERVER_MODULES="$SERVER_MODULES,$module"
done
if [ -z "${SKIP_BUILD:-}" ]; then
  echo "== build: ${SERVER_MODULES#,} and benchmarks"
  mvn -B -ntp -q -DskipTests package -pl "${SERVER_MODULES#,}"
  mvn -B -ntp -q -DskipTests -Pbench package -pl benchmarks
fi

RUN_DIR=$(mktemp -d /tmp/http-bench.XXXXXX)
# The targets run from copies of the jars: in a shared working tree another build may rewrite
# */target/*.jar while a benchmark runs, and a JVM that loads a class lazily from a replaced jar
# fails with NoClassDefFoundError. The copies' names hold no module name, so that someone's
# `pkill -f final-server` elsewhere on the machine does not stop a target mid-run.
mkdir -p "$RUN_DIR/jars"
for jar in final-server/target/final-server.jar step4-multiplexing/target/step4-multiplexing.jar \
           step2-io/target/step2-io.jar benchmarks/target/benchmarks.jar; do
  [ -f "$jar" ] && cp "$jar" "$RUN_DIR/jars/bench_$(basename "$jar" .jar | tr - _).jar"
done
JARS="$RUN_DIR/jars"
[ -f "$JARS/bench_benchmarks.jar" ] || { echo "benchmarks/target/benchmarks.jar is missing: mvn -B -ntp -Pbench -pl benchmarks package" >&2; exit 1; }
BENCH_JAR="$JARS/bench_benchmarks.jar"

# ---- targets ----------------------------------------------------------------------------------
# target_command NAME PORT: the command line that starts NAME on PORT (empty: not available).
target_command() {
  local name=$1 port=$2
  case "$name" in
    final-server)
      [ -f "$JARS/bench_final_server.jar" ] && echo "$JAVA $JAVA_OPTS -jar $JARS/bench_final_server.jar --port $port ${FINAL_ARGS:---access-log off --backlog 4096}" ;;
    step4-selector)
      [ -f "$JARS/bench_step4_multiplexing.jar" ] && echo "$JAVA $JAVA_OPTS -jar $JARS/bench_step4_multiplexing.jar --port $port ${STEP4_SELECTOR_ARGS:---server selector --backlog 4096}" ;;
    step4-virtual)
      [ -f "$JARS/bench_step4_multiplexing.jar" ] && echo "$JAVA $JAVA_OPTS -jar $JARS/bench_step4_multiplexing.jar --port $port ${STEP4_VIRTUAL_ARGS:---server virtual-threads --backlog 4096}" ;;
    step2-per-connection)
      # Step 2 prints every request it reads: that printing is part of what it costs (to /dev/null here).
      [ -f "$JARS/bench_step2_io.jar" ] && echo "$JAVA $JAVA_OPTS -jar $JARS/bench_step2_io.jar --port $port --threads per-connection --max-connections 4000 --backlog 4096" ;;
    netty-nio)
      echo "$JAVA $JAVA_OPTS $NETTY_OPTS -cp $BENCH_JAR dev.httpfromscratch.bench.NettyHelloServer --port $port --transport nio --threads $REACTORS" ;;
    netty-epoll)
      echo "$JAVA $JAVA_OPTS $NETTY_OPTS --enable-native-access=ALL-UNNAMED -cp $BENCH_JAR dev.httpfromscratch.bench.NettyHelloServer --port $port --transport epoll --threads $REACTORS" ;;
    jdk-httpserver)
      echo "$JAVA $JAVA_OPTS -cp $BENCH_JAR dev.httpfromscratch.bench.JdkHttpServerHello --port $port --executor virtual" ;;
    raw-nio-loop)
      echo "$JAVA $JAVA_OPTS -cp $BENCH_JAR dev.httpfromscratch.bench.RawNioLoopServer --port $port --reactors $REACTORS" ;;
    nginx)
      command -v nginx >/dev/null && echo "nginx" ;;
  esac
}

ALL_TARGETS="final-server step4-selector step4-virtual step2-per-connection nginx netty-nio netty-epoll jdk-httpserver raw-nio-loop"
TARGETS=${TARGETS:-$ALL_TARGETS}

declare -A PID PORT
STARTED_PIDS=()
stop_targets() {
  for pid in "${STARTED_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${STARTED_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap stop_targets EXIT

start_nginx() {
  local port=$1 dir="$RUN_DIR/nginx"
  mkdir -p "$dir/tmp" "$dir/logs"
  sed -e "s/__PORT__/$port/" -e "s/__WORKERS__/$REACTORS/" bench/nginx/nginx.conf.template > "$dir/nginx.conf"
  nginx -p "$dir/" -c "$dir/nginx.conf" -e stderr > "$RUN_DIR/nginx.log" 2>&1 &
  echo $!
}

# The process ids whose CPU time counts for a target: the JVM, or nginx's master and workers.
target_pids() {
  local pid=${PID[$1]}
  echo "$pid $(cat /proc/"$pid"/task/*/children 2>/dev/null)"
}

# utime + stime, in clock ticks (getconf CLK_TCK per second), summed over the target's processes.
# For a JVM, /proc/<pid>/stat already sums every thread: event loops, JIT compilers, GC.
cpu_ticks() {
  local total=0 pid
  for pid in $(target_pids "$1"); do
    [ -r "/proc/$pid/stat" ] || continue
    # Fields 14 and 15 counted after the ")" that ends the command name (which may hold spaces).
    total=$((total + $(sed 's/.*) //' "/proc/$pid/stat" | awk '{print $12 + $13}')))
  done
  echo "$total"
}

wait_until_serving() {
  local port=$1 name=$2
  for _ in $(seq 1 150); do
    curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port/" && return 0
    sleep 0.2
  done
  echo "$name did not answer on port $port within 30 s; its output:" >&2
  cat "$RUN_DIR/$name.log" >&2 || true
  return 1
}

# start_target NAME: starts NAME on ${PORT[NAME]}; true once it answers GET /.
start_target() {
  local name=$1 command pid
  command=$(target_command "$name" "${PORT[$name]}")
  if [ "$name" = nginx ]; then
    pid=$(start_nginx "${PORT[$name]}")
  else
    $command >> "$RUN_DIR/$name.log" 2>&1 &
    pid=$!
  fi
  STARTED_PIDS+=("$pid")
  PID[$name]=$pid
  wait_until_serving "${PORT[$name]}" "$name" || { kill "$pid" 2>/dev/null || true; return 1; }
}

# ensure_running NAME: a target that died (or that someone else's `pkill` stopped: the machine is
# shared) is started again and warmed up, and the restart is written down with the results.
ensure_running() {
  local name=$1
  kill -0 "${PID[$name]}" 2>/dev/null && return 0
  echo "restarted $name at $(date -u +%H:%M:%S) (pid ${PID[$name]} had ended; its log: $RUN_DIR/$name.log)" | tee -a "$RESULTS/environment.txt"
  start_target "$name" || return 1
  wrk -t "$THREADS" -c 50 -d "${INITIAL_WARMUP}s" "http://127.0.0.1:${PORT[$name]}/" > /dev/null 2>&1 || true
}

PRESENT=()
port=$BASE_PORT
for name in $TARGETS; do
  if [ -z "$(target_command "$name" "$port" || true)" ]; then
    echo "== $name: not built or not installed, left out"
    continue
  fi
  PORT[$name]=$port
  if start_target "$name"; then
    PRESENT+=("$name")
    echo "== $name: pid ${PID[$name]}, port $port"
  fi
  port=$((port + 1))
done
[ "${#PRESENT[@]}" -gt 0 ] || { echo "no target started" >&2; exit 1; }

# ---- workloads --------------------------------------------------------------------------------
# wrk_arguments WORKLOAD: connections and options of each workload.
wrk_arguments() {
  case "$1" in
    keepalive-50)   echo "-c 50" ;;
    keepalive-1000) echo "-c 1000" ;;
    pipeline-16)    echo "-c 50 -s bench/lua/pipeline.lua" ;;
    close)          echo "-c 50 -H Connection:close" ;;
    post-json)      echo "-c 50 -s bench/lua/post-json.lua" ;;
    *) echo "unknown workload $1" >&2; return 1 ;;
  esac
}

# wrk's latency figures come as 812.00us, 1.21ms or 2.00s: in milliseconds.
to_ms() {
  [ -n "$1" ] || return 0
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.3f", n }'
}

mkdir -p "$RESULTS"
CSV="$RESULTS/results.csv"
echo "workload,round,target,requests_per_second,requests,p99_ms,cpu_seconds,cpu_us_per_request,socket_errors,non_2xx,load_1min,duration_s,wrk_threads" > "$CSV"
TICKS=$(getconf CLK_TCK)
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
  echo "cpu: $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)"
  echo "java: $("$JAVA" -version 2>&1 | head -1)"
  echo "wrk: $(wrk --version 2>&1 | head -1 | cut -c1-40)"
  command -v nginx >/dev/null && echo "nginx: $(nginx -v 2>&1)"
  echo "netty: $NETTY_OPTS"
  echo "settings: DURATION=$DURATION WARMUP=$WARMUP INITIAL_WARMUP=$INITIAL_WARMUP ROUNDS=$ROUNDS THREADS=$THREADS REACTORS=$REACTORS JAVA_OPTS=$JAVA_OPTS"
  echo "targets: ${PRESENT[*]}"
  echo "uptime at start: $(uptime)"
} > "$RESULTS/environment.txt"
cat "$RESULTS/environment.txt"

# A first warm-up of every target: the JIT compiles the hot paths before any round counts (C2
# compiling Netty's pipeline takes a good 10 s of CPU on this machine; a short warm-up charges
# that to round 1). Both kinds of request, so the POST path is compiled too.
for name in "${PRESENT[@]}"; do
  wrk -t "$THREADS" -c 50 -d "${INITIAL_WARMUP}s" "http://127.0.0.1:${PORT[$name]}/" > /dev/null 2>&1 || true
  wrk -t "$THREADS" -c 50 -d "$((INITIAL_WARMUP / 3 + 1))s" -s bench/lua/post-json.lua "http://127.0.0.1:${PORT[$name]}/" > /dev/null 2>&1 || true
done

for workload in $WORKLOADS; do
  read -r -a args <<< "$(wrk_arguments "$workload")"
  for round in $(seq 1 "$ROUNDS"); do
    for name in "${PRESENT[@]}"; do
      url="http://127.0.0.1:${PORT[$name]}/"
      ensure_running "$name" || continue
      wrk -t "$THREADS" "${args[@]}" -d "${WARMUP}s" "$url" > /dev/null 2>&1 || true
      load=$(cut -d' ' -f1 /proc/loadavg)
      before=$(cpu_ticks "$name")
      out=$(wrk -t "$THREADS" "${args[@]}" -d "${DURATION}s" --latency "$url" 2>&1 || true)
      after=$(cpu_ticks "$name")
      rps=$(awk '/^Requests\/sec:/ {print $2}' <<< "$out")
      requests=$(awk '/requests in/ {print $1}' <<< "$out")
      p99=$(to_ms "$(awk '$1 == "99%" {print $2}' <<< "$out")")
      errors=$(awk -F'[ ,]+' '/Socket errors/ {print $4 + $6 + $8 + $10}' <<< "$out")
      non2xx=$(awk '/Non-2xx/ {print $NF}' <<< "$out")
      cpu=$(awk -v t=$((after - before)) -v hz="$TICKS" 'BEGIN { printf "%.2f", t / hz }')
      per=$(awk -v t=$((after - before)) -v hz="$TICKS" -v n="${requests:-0}" 'BEGIN { if (n > 0) printf "%.2f", t / hz / n * 1e6; else print "" }')
      echo "$workload,$round,$name,${rps:-0},${requests:-0},$p99,$cpu,$per,${errors:-0},${non2xx:-0},$load,$DURATION,$THREADS" >> "$CSV"
      printf '%-15s round %d  %-21s %10s req/s  p99 %9s ms  %7s us CPU/req  errors %s  load %s\n' \
        "$workload" "$round" "$name" "${rps:-0}" "$p99" "$per" "${errors:-0}" "$load"
    done
  done
done

stop_targets
trap - EXIT
echo "uptime at end: $(uptime)" >> "$RESULTS/environment.txt"
rm -rf "$JARS"  # the logs of the targets stay in $RUN_DIR
python3 bench/report.py --results "$RESULTS" --reference "$REFERENCE"
echo "== wrote $RESULTS/results.md, results.json, *.svg"
