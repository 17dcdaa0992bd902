#!/usr/bin/env bash
# The whole performance comparison of docs/06-performance.md, in one command:
#
#   bash bench/run.sh
#
# builds the servers and the benchmark module, starts every target on a loopback port, and runs
# wrk against them interleaved (round 1: A B C ..., round 2: A B C ..., ...) for every workload.
#
# Three things make a figure trustworthy, and the script does all three for every measurement:
#   1. Pinning: the server runs on SERVER_CPUS and wrk on CLIENT_CPUS (taskset), so they do not
#      take turns on one core.
#   2. A quiet machine: before a measurement it waits until the rest of the machine (everything
#      but the targets, wrk and this script) used under QUIET_PCT % of one CPU over one second
#      (from /proc/stat), at most QUIET_MAX_WAIT seconds; it records that interference before and
#      during the run, and repeats a run during which others used more (NOISY_RETRIES times).
#   3. Checks: each workload is checked from the server's side to do what its name says
#      (connections accepted per request from the kernel's TCP counters, which client connections
#      stay open from `ss`, read system calls per request from /proc/<pid>/io) and from wrk's
#      totals (errors, statuses of 400 and above, bytes per response, printed by bench/lua/summary.lua).
#      A failed check stops the run with the reason (ON_CHECK_FAILURE=continue records it and goes on);
#      a preflight runs every check for a few seconds before the long rounds start.
#
# At the end it writes each target's resident memory (VmRSS) to rss-after.csv.
# Per run it records requests/s, p99 latency, errors, the server's CPU time (utime+stime from
# /proc/<pid>/stat, before and after), the checks and the interference in results.csv (every
# attempt, noisy ones too, with kept=0); bench/report.py then writes the medians of the kept runs,
# the ratios to the reference target, the tables and the charts under RESULTS.
#
# Knobs (environment variables):
#   DURATION=10      seconds of each measured wrk run      WARMUP=3   seconds of wrk before each
#   INITIAL_WARMUP=15  seconds of wrk per target before the first round (JIT compilation)
#   ROUNDS=3         interleaved rounds per workload        THREADS=2  wrk threads
#   TARGETS="..."    which targets, in order (default: every one that is built/installed);
#                    NAME@N runs NAME with N event loops / workers (bench/event-loops.sh uses it)
#   WORKLOADS="..."  keepalive-50 keepalive-1000 pipeline-16 close post-json file-16k file-1m
#                    (file-*: GET of a 16 KiB / 1 MiB file generated in the run directory, keep-alive,
#                    50 connections, against the targets that serve files: final-server with
#                    --files-dir, nginx with sendfile on; docs/08-files.md)
#   SERVER_CPUS=0 CLIENT_CPUS=1   taskset CPU lists (default: first half / second half of the
#                    CPUs; "all" = not pinned). REACTORS (event loops, nginx workers) defaults to
#                    the number of SERVER_CPUS.
#   QUIET_PCT=15  QUIET_MAX_WAIT=120  NOISY_RETRIES=2   the quiet-machine gate (see above)
#   ON_CHECK_FAILURE=stop|continue      CLOSE_HEADER='Connection: close'   (the close workload's header)
#   PREFLIGHT=2      seconds of a checked, uncounted run of every workload against every target
#                    before the rounds (0: none), so that a failing check shows in the first minutes
#   REFERENCE=final-server   the target the ratios are computed against
#   BASELINE_REV=<commit>  adds the target final-server-baseline: final-server built from that
#                    commit (in a temporary git worktree under /tmp, removed afterwards), run with the
#                    same flags, so that a change and what it started from are measured side by side
#                    in one interleaved run. BASELINE_JAR=path uses a jar built already instead.
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
WORKLOADS=${WORKLOADS:-"keepalive-50 keepalive-1000 pipeline-16 close post-json file-16k file-1m"}
REFERENCE=${REFERENCE:-final-server}
RESULTS=${RESULTS:-bench/results}
BASE_PORT=${BASE_PORT:-19080}
QUIET_PCT=${QUIET_PCT:-15}
QUIET_MAX_WAIT=${QUIET_MAX_WAIT:-120}
NOISY_RETRIES=${NOISY_RETRIES:-2}
ON_CHECK_FAILURE=${ON_CHECK_FAILURE:-stop}
PREFLIGHT=${PREFLIGHT:-2}
CLOSE_HEADER=${CLOSE_HEADER:-"Connection: close"}
# The same heap settings for every Java target, so that no server wins by having more heap.
JAVA_OPTS=${JAVA_OPTS:-"-Xms512m -Xmx512m"}
# Netty samples buffers for leak reports unless told not to; a deployment turns that off.
NETTY_OPTS=${NETTY_OPTS:-"-Dio.netty.leakDetection.level=disabled"}

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
command -v ss >/dev/null || { echo "ss is missing: apt-get install -y iproute2" >&2; exit 1; }

# ---- a JDK 21+ (found the way .ci/run finds it) and a raised open-files limit -------------------
source bench/common.sh

# ---- CPUs: the server on one set, wrk on another ----------------------------------------------
CPUS=$(nproc)
cpu_range() { if [ "$1" = "$2" ]; then echo "$1"; else echo "$1-$2"; fi; }
if [ "$CPUS" -ge 2 ]; then
  SERVER_CPUS=${SERVER_CPUS:-$(cpu_range 0 $((CPUS / 2 - 1)))}
  CLIENT_CPUS=${CLIENT_CPUS:-$(cpu_range $((CPUS / 2)) $((CPUS - 1)))}
else
  SERVER_CPUS=${SERVER_CPUS:-all}
  CLIENT_CPUS=${CLIENT_CPUS:-all}
fi
# count_cpus LIST: how many CPUs a taskset list such as 0-3,6 names ("all": every one).
count_cpus() {
  [ "$1" = all ] && { echo "$CPUS"; return; }
  awk -v list="$1" 'BEGIN { n = split(list, parts, ","); c = 0
    for (i = 1; i <= n; i++) { if (split(parts[i], r, "-") == 2) c += r[2] - r[1] + 1; else c++ } print c }'
}
REACTORS=${REACTORS:-$(count_cpus "$SERVER_CPUS")}
# Command prefixes: taskset execs the command, so a background job's $! is the server's own pid.
PIN_SERVER=(); [ "$SERVER_CPUS" = all ] || PIN_SERVER=(taskset -c "$SERVER_CPUS")
PIN_CLIENT=(); [ "$CLIENT_CPUS" = all ] || PIN_CLIENT=(taskset -c "$CLIENT_CPUS")

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
# The targets run from copies of the jars: another build may rewrite */target/*.jar while a
# benchmark runs, and a JVM that loads a class lazily from a replaced jar fails with
# NoClassDefFoundError. The copies' names hold no module name, so that a `pkill -f final-server`
# elsewhere on the machine does not stop a target mid-run.
mkdir -p "$RUN_DIR/jars"
for jar in final-server/target/final-server.jar step4-multiplexing/target/step4-multiplexing.jar \
           step2-io/target/step2-io.jar benchmarks/target/benchmarks.jar; do
  [ -f "$jar" ] && cp "$jar" "$RUN_DIR/jars/bench_$(basename "$jar" .jar | tr - _).jar"
done
JARS="$RUN_DIR/jars"
if [ -n "${BASELINE_JAR:-}" ]; then
  cp "$BASELINE_JAR" "$JARS/bench_final_server_baseline.jar"
elif [ -n "${BASELINE_REV:-}" ]; then
  baseline_tree="$RUN_DIR/baseline-src"
  echo "== build: final-server at $BASELINE_REV ($(git rev-parse --short "$BASELINE_REV")) for final-server-baseline"
  git worktree add --detach --quiet "$baseline_tree" "$BASELINE_REV"
  (cd "$baseline_tree" && mvn -B -ntp -q -DskipTests package -pl final-server) \
    && cp "$baseline_tree/final-server/target/final-server.jar" "$JARS/bench_final_server_baseline.jar"
  git worktree remove --force "$baseline_tree"
  [ -f "$JARS/bench_final_server_baseline.jar" ] || { echo "final-server at $BASELINE_REV did not build" >&2; exit 1; }
fi
# The files of the file-* workloads: random bytes (nothing to gain from compression), made fresh
# for every run, served by final-server (--files-dir) and nginx (alias, sendfile on).
FILES_DIR="$RUN_DIR/files"
mkdir -p "$FILES_DIR"
head -c 16384 /dev/urandom > "$FILES_DIR/bench-16k.bin"
head -c 1048576 /dev/urandom > "$FILES_DIR/bench-1m.bin"
# nginx's workers run as another user when it is started as root: they must reach the files.
chmod a+rx "$RUN_DIR" "$FILES_DIR"; chmod a+r "$FILES_DIR"/*
[ -f "$JARS/bench_benchmarks.jar" ] || { echo "benchmarks/target/benchmarks.jar is missing: mvn -B -ntp -Pbench -pl benchmarks package" >&2; exit 1; }
BENCH_JAR="$JARS/bench_benchmarks.jar"

# ---- targets ----------------------------------------------------------------------------------
# target_command NAME PORT: the command line that starts NAME on PORT (empty: not available).
# NAME@N: the same target with N event loops (nginx: N worker processes) instead of REACTORS.
target_command() {
  local name=${1%@*} port=$2 loops=$REACTORS
  [[ $1 == *@* ]] && loops=${1#*@}
  case "$name" in
    final-server)
      [ -f "$JARS/bench_final_server.jar" ] && echo "$JAVA $JAVA_OPTS -jar $JARS/bench_final_server.jar --port $port --event-loops $loops --files-dir $FILES_DIR ${FINAL_ARGS:---access-log off --backlog 4096}" ;;
    final-server-baseline)
      # The same server from BASELINE_REV or BASELINE_JAR (see the knobs above), the same flags.
      [ -f "$JARS/bench_final_server_baseline.jar" ] && echo "$JAVA $JAVA_OPTS -jar $JARS/bench_final_server_baseline.jar --port $port --event-loops $loops ${FINAL_ARGS:---access-log off --backlog 4096}" ;;
    step4-selector)
      [ -f "$JARS/bench_step4_multiplexing.jar" ] && echo "$JAVA $JAVA_OPTS -jar $JARS/bench_step4_multiplexing.jar --port $port ${STEP4_SELECTOR_ARGS:---server selector --backlog 4096}" ;;
    step4-virtual)
      [ -f "$JARS/bench_step4_multiplexing.jar" ] && echo "$JAVA $JAVA_OPTS -jar $JARS/bench_step4_multiplexing.jar --port $port ${STEP4_VIRTUAL_ARGS:---server virtual-threads --backlog 4096}" ;;
    step2-per-connection)
      # Step 2 prints every request it reads: that printing is part of what it costs (to a log file here).
      [ -f "$JARS/bench_step2_io.jar" ] && echo "$JAVA $JAVA_OPTS -jar $JARS/bench_step2_io.jar --port $port --threads per-connection --max-connections 4000 --backlog 4096" ;;
    netty-nio)
      echo "$JAVA $JAVA_OPTS $NETTY_OPTS -cp $BENCH_JAR dev.httpfromscratch.bench.NettyHelloServer --port $port --transport nio --threads $loops" ;;
    netty-epoll)
      echo "$JAVA $JAVA_OPTS $NETTY_OPTS --enable-native-access=ALL-UNNAMED -cp $BENCH_JAR dev.httpfromscratch.bench.NettyHelloServer --port $port --transport epoll --threads $loops" ;;
    netty-jackson)
      echo "$JAVA $JAVA_OPTS $NETTY_OPTS --enable-native-access=ALL-UNNAMED -cp $BENCH_JAR dev.httpfromscratch.bench.NettyHelloServer --port $port --transport epoll --threads $loops --api jackson" ;;
    jdk-httpserver)
      # The JDK's server closes idle keep-alive connections beyond 200 by default
      # (sun.net.httpserver.maxIdleConnections): at 1,000 connections that made keepalive-1000 a
      # reconnect benchmark. Raised, as nginx's keepalive_requests is.
      echo "$JAVA $JAVA_OPTS -Dsun.net.httpserver.maxIdleConnections=100000 -cp $BENCH_JAR dev.httpfromscratch.bench.JdkHttpServerHello --port $port --executor virtual" ;;
    raw-nio-loop)
      echo "$JAVA $JAVA_OPTS -cp $BENCH_JAR dev.httpfromscratch.bench.RawNioLoopServer --port $port --reactors $loops" ;;
    nginx)
      command -v nginx >/dev/null && echo "nginx $loops" ;;
  esac
}

# Targets that close every connection after one response by design: every workload is
# connection-per-request for them, and the checks expect exactly that.
closes_every_connection() { [ "${1%@*}" = step2-per-connection ]; }
# Targets that serve files from a folder: the only ones the file-* workloads run against.
serves_files() { case "${1%@*}" in final-server|nginx) return 0 ;; *) return 1 ;; esac; }

ALL_TARGETS="final-server-baseline final-server step4-selector step4-virtual step2-per-connection nginx netty-nio netty-epoll netty-jackson jdk-httpserver raw-nio-loop"
TARGETS=${TARGETS:-$ALL_TARGETS}

declare -A PID PORT
STARTED_PIDS=()
stop_targets() {
  for pid in "${STARTED_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${STARTED_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap stop_targets EXIT

start_nginx() {
  local port=$1 workers=$2 dir="$RUN_DIR/nginx-$1"
  mkdir -p "$dir/tmp" "$dir/logs"
  sed -e "s/__PORT__/$port/" -e "s/__WORKERS__/$workers/" -e "s:__FILES__:$FILES_DIR:" bench/nginx/nginx.conf.template > "$dir/nginx.conf"
  "${PIN_SERVER[@]}" nginx -p "$dir/" -c "$dir/nginx.conf" -e stderr > "$dir/nginx.log" 2>&1 &
  echo $!
}

# The process ids whose CPU time counts for a target: the JVM, or nginx's master and workers.
target_pids() {
  local pid=${PID[$1]}
  echo "$pid $(cat /proc/"$pid"/task/*/children 2>/dev/null)"
}

# utime + stime, in clock ticks (getconf CLK_TCK per second), summed over the given processes.
# For a JVM, /proc/<pid>/stat already sums every thread: event loops, JIT compilers, GC.
ticks_of() {
  local total=0 pid
  for pid in "$@"; do
    [ -r "/proc/$pid/stat" ] || continue
    # Fields 14 and 15 counted after the ")" that ends the command name (which may hold spaces).
    total=$((total + $(sed 's/.*) //' "/proc/$pid/stat" | awk '{print $12 + $13}')))
  done
  echo "$total"
}
cpu_ticks() { ticks_of $(target_pids "$1"); }
# The kernel's softirq threads: when a CPU is busy, the loopback packets of the benchmark are
# processed there (ksoftirqd/N), and that is the benchmark's work, not interference.
SOFTIRQ_PIDS=$(pgrep '^ksoftirqd/' | tr '\n' ' ' || true)
# Every started target together (idle ones tick a little: JIT, GC), plus the softirq threads:
# not interference.
all_target_ticks() {
  local name pids=""
  for name in "${PRESENT[@]}"; do pids="$pids $(target_pids "$name")"; done
  # shellcheck disable=SC2086
  ticks_of $pids $SOFTIRQ_PIDS
}
# This script and every child it waited for (wrk, ss, awk, sleep): utime+stime+cutime+cstime.
# A finished child's CPU time is added to its parent's cutime/cstime when the parent reaps it.
harness_ticks() { sed 's/.*) //' "/proc/$$/stat" | awk '{print $12 + $13 + $14 + $15}'; }
# Busy ticks of the whole machine from /proc/stat's cpu line: user, nice, system and steal (a
# hypervisor's other guests). Not idle and iowait; not irq and softirq either: loopback TCP is
# processed in softirqs that the kernel charges to no process, so during a run they are mostly
# the benchmark's own packets, which would read as interference.
machine_busy_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $9; exit}' /proc/stat; }
# Connections the kernel accepted on a listening socket, machine-wide (Tcp: PassiveOpens).
passive_opens() { awk '/^Tcp:/ { if (!h) { for (i = 1; i <= NF; i++) if ($i == "PassiveOpens") c = i; h = 1 } else print $c }' /proc/net/snmp; }
# read() system calls and bytes read by the target's processes (/proc/<pid>/io; recv() is not counted).
read_io() {
  local calls=0 bytes=0 pid
  for pid in $(target_pids "$1"); do
    [ -r "/proc/$pid/io" ] || continue
    calls=$((calls + $(awk '/^syscr:/ {print $2}' "/proc/$pid/io")))
    bytes=$((bytes + $(awk '/^rchar:/ {print $2}' "/proc/$pid/io")))
  done
  echo "$calls $bytes"
}
# Requests the server itself counted, where it exports them: final-server's (and its baseline's) http_requests_total
# (every method and status, summed) from GET /metrics; empty for the other targets.
# A file workload counts the 200s only: a file that was not found or not whole would be another status.
server_counted() {
  case "${1%@*}" in final-server|final-server-baseline) ;; *) return 0 ;; esac
  curl -s --max-time 5 "http://127.0.0.1:${PORT[$1]}/metrics" \
    | awk -v only="$COUNTED_STATUS" '/^http_requests_total[{ ]/ && (only == "" || index($0, "status=\"" only "\"")) {n += $NF} END {printf "%d", n}'
}
# The client ends (address:port) of the target's established connections, one per line.
open_connections() { ss -Htn state established "( sport = :$1 )" 2>/dev/null | awk '{print $NF}' | sort; }

TICKS=$(getconf CLK_TCK)
# others_pct BUSY_DELTA OURS_DELTA SECONDS: CPU used by the rest of the machine, in % of one CPU.
others_pct() { awk -v b="$1" -v o="$2" -v s="$3" -v hz="$TICKS" 'BEGIN { v = (b - o) / hz / s * 100; if (v < 0) v = 0; printf "%.1f", v }'; }

# wait_for_quiet: until others use under QUIET_PCT % of one CPU over 1 s, at most QUIET_MAX_WAIT s.
# Sets QUIET_BEFORE (the last window's figure) and QUIET_WAITED (seconds waited).
wait_for_quiet() {
  local started=$SECONDS b0 o0 b1 o1
  while true; do
    b0=$(machine_busy_ticks); o0=$(( $(all_target_ticks) + $(harness_ticks) ))
    sleep 1
    b1=$(machine_busy_ticks); o1=$(( $(all_target_ticks) + $(harness_ticks) ))
    QUIET_BEFORE=$(others_pct $((b1 - b0)) $((o1 - o0)) 1)
    QUIET_WAITED=$((SECONDS - started))
    awk -v v="$QUIET_BEFORE" -v max="$QUIET_PCT" 'BEGIN { exit !(v < max) }' && return 0
    if [ "$QUIET_WAITED" -ge "$QUIET_MAX_WAIT" ]; then
      echo "   not quiet after ${QUIET_WAITED}s (others at ${QUIET_BEFORE}% of a CPU): measuring anyway, recorded as noisy"
      return 0
    fi
  done
}

wait_until_serving() {
  local port=$1 name=$2
  for _ in $(seq 1 150); do
    curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port/" && return 0
    sleep 0.2
  done
  echo "$name did not answer on port $port within 30 s; its output:" >&2
  cat "$RUN_DIR/$name.log" "$RUN_DIR/nginx-$port/nginx.log" >&2 2>/dev/null || true
  return 1
}

# start_target NAME: starts NAME on ${PORT[NAME]}, pinned to SERVER_CPUS; true once it answers GET /.
start_target() {
  local name=$1 command pid
  command=$(target_command "$name" "${PORT[$name]}")
  if [ "${name%@*}" = nginx ]; then
    pid=$(start_nginx "${PORT[$name]}" "${command#nginx }")
  else
    # shellcheck disable=SC2086
    "${PIN_SERVER[@]}" $command >> "$RUN_DIR/$name.log" 2>&1 &
    pid=$!
  fi
  STARTED_PIDS+=("$pid")
  PID[$name]=$pid
  wait_until_serving "${PORT[$name]}" "$name" || { kill "$pid" 2>/dev/null || true; return 1; }
}

# ensure_running NAME: a target that died is started again and warmed up, and the restart is
# written down with the results.
ensure_running() {
  local name=$1
  kill -0 "${PID[$name]}" 2>/dev/null && return 0
  echo "restarted $name at $(date -u +%H:%M:%S) (pid ${PID[$name]} had ended; its log: $RUN_DIR/$name.log)" | tee -a "$RESULTS/environment.txt"
  start_target "$name" || return 1
  "${PIN_CLIENT[@]}" wrk -t "$THREADS" -c 50 -d "${INITIAL_WARMUP}s" "http://127.0.0.1:${PORT[$name]}/" > /dev/null 2>&1 || true
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
    echo "== $name: pid ${PID[$name]}, port $port, CPUs $SERVER_CPUS"
  fi
  port=$((port + 1))
done
[ "${#PRESENT[@]}" -gt 0 ] || { echo "no target started" >&2; exit 1; }

# ---- workloads --------------------------------------------------------------------------------
# workload_arguments WORKLOAD: sets WRK_ARGS (an array), CONNECTIONS and MODEL: keepalive
# (each connection stays open for the whole run), pipelined (keep-alive, several requests per
# read) or close (a new connection per request).
workload_arguments() {
  REQUEST_PATH=/; BODY_BYTES=""; COUNTED_STATUS=""
  case "$1" in
    keepalive-50)   CONNECTIONS=50;   MODEL=keepalive; WRK_ARGS=(-c 50 -s bench/lua/summary.lua) ;;
    keepalive-1000) CONNECTIONS=1000; MODEL=keepalive; WRK_ARGS=(-c 1000 -s bench/lua/summary.lua) ;;
    pipeline-16)    CONNECTIONS=50;   MODEL=pipelined; WRK_ARGS=(-c 50 -s bench/lua/pipeline.lua) ;;
    # wrk keeps a -H header only when it is written "Name: value", with the space.
    close)          CONNECTIONS=50;   MODEL=close;     WRK_ARGS=(-c 50 -H "$CLOSE_HEADER" -s bench/lua/summary.lua) ;;
    post-json)      CONNECTIONS=50;   MODEL=keepalive; WRK_ARGS=(-c 50 -s bench/lua/post-json.lua) ;;
    # A whole file per response: BODY_BYTES is what every response must carry besides its head.
    file-16k)       CONNECTIONS=50;   MODEL=keepalive; WRK_ARGS=(-c 50 -s bench/lua/summary.lua)
                    REQUEST_PATH=/files/bench-16k.bin; BODY_BYTES=16384; COUNTED_STATUS=200 ;;
    file-1m)        CONNECTIONS=50;   MODEL=keepalive; WRK_ARGS=(-c 50 -s bench/lua/summary.lua)
                    REQUEST_PATH=/files/bench-1m.bin; BODY_BYTES=1048576; COUNTED_STATUS=200 ;;
    *) echo "unknown workload $1" >&2; return 1 ;;
  esac
}

# wrk's latency figures come as 812.00us, 1.21ms or 2.00s: in milliseconds.
to_ms() {
  [ -n "$1" ] || return 0
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.3f", n }'
}
ratio() { awk -v a="$1" -v b="$2" -v d="${3:-3}" 'BEGIN { if (b > 0) printf "%.*f", d, a / b }'; }
# ge A B / le A B: numeric comparisons of decimals.
ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 >= b + 0) }'; }
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 <= b + 0) }'; }

# check_run: sets CHECK (pass/FAIL) and CHECK_DETAIL from the figures of one run.
check_run() {
  local expect=$MODEL problems=()
  closes_every_connection "$name" && expect=close
  [ -n "$check_line" ] || problems+=("wrk printed no CHECK line: the workload's script does not load bench/lua/summary.lua")
  [ "${requests:-0}" -gt 0 ] || problems+=("wrk completed no request")
  [ "$errors" -eq 0 ] || problems+=("$errors socket errors ($error_kinds)")
  [ "$non2xx" -eq 0 ] || problems+=("$non2xx responses with a status of 400 or more")
  if [ -n "$BODY_BYTES" ]; then
    # The whole file and a head: a 404, a 304 or a cut-short body would read otherwise. wrk's byte
    # count also holds the responses still arriving when it stopped (at most one per connection),
    # which it does not count as requests: that much more is allowed.
    local in_flight=$(( CONNECTIONS * BODY_BYTES / (requests > 0 ? requests : 1) ))
    if [ -z "$bytes_per" ] || ! ge "$bytes_per" $((BODY_BYTES + 60)) || ! le "$bytes_per" $((BODY_BYTES + 1024 + in_flight)); then
      problems+=("${bytes_per:-no} bytes per response, expected the file's $BODY_BYTES, a head of 60-1024 and at most $in_flight of responses cut off by the end of the run")
    fi
  elif [ -n "$bytes_per" ] && { ! ge "$bytes_per" 60 || ! le "$bytes_per" 1024; }; then
    problems+=("$bytes_per bytes per response, expected 60-1024 (a status line, headers and a short body)")
  fi
  case "$expect" in
    close)
      ge "${accepts_per:-0}" 0.9 || problems+=("${accepts_per:-0} connections accepted per request, expected >= 0.9: the connections were not closed")
      [ -z "$turnover" ] || ge "$turnover" 0.8 || problems+=("only ${turnover} of the open connections were new ones 1/3 of the run later, expected >= 0.8")
      ;;
    keepalive|pipelined)
      # PassiveOpens counts the whole machine's accepted connections, others' too: a loose bound
      # (a server that closes every few requests still exceeds it); the turnover is per port.
      le "$accepted" $((CONNECTIONS + CONNECTIONS / 10 + 50 + requests / 10)) || problems+=("$accepted connections accepted for $CONNECTIONS keep-alive ones: connections were closed and reopened")
      [ -z "$turnover" ] || le "$turnover" 0.1 || problems+=("$turnover of the open connections were replaced between two looks, expected <= 0.1")
      ge "$seen" $((CONNECTIONS * 9 / 10)) || problems+=("the server held $seen established connections, expected about $CONNECTIONS")
      ;;
  esac
  if [ "$expect" = pipelined ] && [ -n "$reads_per" ]; then
    le "$reads_per" 0.5 || problems+=("$reads_per read() calls per request, expected <= 0.5 with 16 requests per write: not pipelined")
  fi
  # The server's own count: every request wrk counted, plus at most the ones still in flight when
  # wrk stopped (16 per connection when pipelined) and the /metrics scrape itself.
  if [ -n "$server_requests" ] && [ "$requests" -gt 0 ]; then
    { [ "$server_requests" -ge "$requests" ] && [ "$server_requests" -le $((requests + CONNECTIONS * 16 + 50)) ]; } \
      || problems+=("the server counted $server_requests requests${COUNTED_STATUS:+ answered $COUNTED_STATUS} (http_requests_total), wrk $requests")
  fi
  if [ "$workload" = post-json ] && [ -n "$read_bytes_per" ]; then
    ge "$read_bytes_per" 100 || problems+=("the server read $read_bytes_per bytes per request, less than a POST head and its 34-byte body")
  fi
  if [ "${#problems[@]}" -eq 0 ]; then
    CHECK=pass; CHECK_DETAIL="$expect"
  else
    CHECK=FAIL; CHECK_DETAIL="$expect: $(IFS=';'; echo "${problems[*]}")"
  fi
}

mkdir -p "$RESULTS"
CSV="$RESULTS/results.csv"
echo "workload,round,attempt,kept,target,requests_per_second,requests,p99_ms,cpu_seconds,cpu_us_per_request,socket_errors,non_2xx,bytes_per_response,accepted_connections,accepts_per_request,connections_seen,connection_turnover,reads_per_request,read_bytes_per_request,server_counted_requests,check,check_detail,others_cpu_pct_before,others_cpu_pct_during,quiet_wait_s,load_1min,duration_s,wrk_threads,connections,server_cpus,client_cpus" > "$CSV"
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "machine: $CPUS cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
  echo "cpu: $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)"
  echo "java: $("$JAVA" -version 2>&1 | head -1)"
  echo "wrk: $(wrk --version 2>&1 | head -1 | cut -c1-40)"
  command -v nginx >/dev/null && echo "nginx: $(nginx -v 2>&1)"
  echo "netty: $NETTY_OPTS"
  echo "settings: DURATION=$DURATION WARMUP=$WARMUP INITIAL_WARMUP=$INITIAL_WARMUP ROUNDS=$ROUNDS THREADS=$THREADS REACTORS=$REACTORS JAVA_OPTS=$JAVA_OPTS"
  echo "pinning: servers on CPUs $SERVER_CPUS, wrk on CPUs $CLIENT_CPUS"
  echo "quiet gate: others under $QUIET_PCT % of one CPU over 1 s, at most ${QUIET_MAX_WAIT}s of waiting, $NOISY_RETRIES repeats of a noisy run"
  echo "targets: ${PRESENT[*]}"
  [ -z "${BASELINE_REV:-}${BASELINE_JAR:-}" ] || echo "final-server-baseline: ${BASELINE_REV:+commit $(git rev-parse --short "$BASELINE_REV")}${BASELINE_JAR:+jar $BASELINE_JAR}"
  echo "uptime at start: $(uptime)"
} > "$RESULTS/environment.txt"
cat "$RESULTS/environment.txt"

# A first warm-up of every target: the JIT compiles the hot paths before any round counts (C2
# compiling Netty's pipeline takes a good 10 s of CPU on a small machine; a short warm-up charges
# that to round 1). Both kinds of request, so the POST path is compiled too.
for name in "${PRESENT[@]}"; do
  "${PIN_CLIENT[@]}" wrk -t "$THREADS" -c 50 -d "${INITIAL_WARMUP}s" "http://127.0.0.1:${PORT[$name]}/" > /dev/null 2>&1 || true
  "${PIN_CLIENT[@]}" wrk -t "$THREADS" -c 50 -d "$((INITIAL_WARMUP / 3 + 1))s" -s bench/lua/post-json.lua "http://127.0.0.1:${PORT[$name]}/" > /dev/null 2>&1 || true
done

FAILED_CHECKS=0
# measure NAME WORKLOAD ROUND SECONDS: one checked, gated run of wrk against NAME (arguments of
# the workload already in WRK_ARGS), repeated while it was noisy; writes its rows to the CSV.
# ROUND 0 is the preflight: a short run per target and workload before the rounds, not gated and
# not counted, so that a workload that does not do what its name says stops the run in its first
# minutes and not after half an hour.
measure() {
  local name=$1 round=$3 duration=$4 url="http://127.0.0.1:${PORT[$1]}$REQUEST_PATH" attempt=0 look_at
  workload=$2
  # The two looks at the open connections, at 1/3 and 2/3 of the run.
  look_at=$(awk -v d="$duration" 'BEGIN { printf "%.2f", d / 3 }')
  while true; do
    attempt=$((attempt + 1))
    ensure_running "$name" || return 0
    if [ "$round" -gt 0 ] || [ "$attempt" -gt 1 ]; then
      "${PIN_CLIENT[@]}" wrk -t "$THREADS" "${WRK_ARGS[@]}" -d "${WARMUP}s" "$url" > /dev/null 2>&1 || true
      wait_for_quiet
    else
      QUIET_BEFORE=""; QUIET_WAITED=0
    fi
    load=$(cut -d' ' -f1 /proc/loadavg)
    busy0=$(machine_busy_ticks); ours0=$(( $(all_target_ticks) + $(harness_ticks) ))
    counted0=$(server_counted "$name")
    before=$(cpu_ticks "$name"); opens0=$(passive_opens); read -r reads0 rbytes0 <<< "$(read_io "$name")"
    started=$(date +%s.%N)
    "${PIN_CLIENT[@]}" wrk -t "$THREADS" "${WRK_ARGS[@]}" -d "${duration}s" --latency "$url" > "$RUN_DIR/wrk.out" 2>&1 &
    wrk_pid=$!
    sleep "$look_at"; open_connections "${PORT[$name]}" > "$RUN_DIR/look1"
    sleep "$look_at"; open_connections "${PORT[$name]}" > "$RUN_DIR/look2"
    wait "$wrk_pid" || true
    after=$(cpu_ticks "$name"); opens1=$(passive_opens); read -r reads1 rbytes1 <<< "$(read_io "$name")"
    busy1=$(machine_busy_ticks); ours1=$(( $(all_target_ticks) + $(harness_ticks) ))
    counted1=$(server_counted "$name")
    server_requests=""
    [ -n "$counted0" ] && [ -n "$counted1" ] && server_requests=$((counted1 - counted0))
    elapsed=$(awk -v s="$started" -v e="$(date +%s.%N)" 'BEGIN { printf "%.3f", e - s }')
    during=$(others_pct $((busy1 - busy0)) $((ours1 - ours0)) "$elapsed")
    out=$(cat "$RUN_DIR/wrk.out")

    rps=$(awk '/^Requests\/sec:/ {print $2}' <<< "$out")
    requests=$(awk '/requests in/ {print $1}' <<< "$out")
    requests=${requests:-0}
    p99=$(to_ms "$(awk '$1 == "99%" {print $2}' <<< "$out")")
    # wrk's own totals, printed by bench/lua/summary.lua's done().
    check_line=$(grep '^CHECK ' <<< "$out" || true)
    field() { local v; v=$(sed -n "s/.* $1=\([0-9]*\).*/\1/p" <<< "$check_line"); echo "${v:-0}"; }
    errors=$(( $(field connect) + $(field read) + $(field write) + $(field timeout) ))
    error_kinds="connect $(field connect), read $(field read), write $(field write), timeout $(field timeout)"
    non2xx=$(field status)
    bytes_per=$(ratio "$(field bytes)" "$requests" 1)
    accepted=$((opens1 - opens0))
    accepts_per=$(ratio "$accepted" "$requests" 3)
    seen=$(wc -l < "$RUN_DIR/look1")
    turnover=""
    # At close, a look-to-look turnover says something only when a connection lives shorter than
    # the gap between the looks (when requests come faster than c per half gap).
    if [ "$seen" -gt 0 ] && [ -s "$RUN_DIR/look2" ] && { [ "$MODEL" != close ] && ! closes_every_connection "$name" \
        || awk -v c="$CONNECTIONS" -v r="${rps:-0}" -v g="$look_at" 'BEGIN { exit !(r > 0 && c / r < g / 2) }'; }; then
      turnover=$(ratio "$(comm -13 "$RUN_DIR/look1" "$RUN_DIR/look2" | wc -l)" "$(wc -l < "$RUN_DIR/look2")" 2)
    fi
    # read() calls and bytes: only when the server reads with read()/readv() (nginx and Netty's
    # epoll transport use recv(), which /proc/<pid>/io does not count).
    reads_per=""; read_bytes_per=""
    if [ "$requests" -gt 0 ] && [ $(( (reads1 - reads0) * 100 )) -ge "$requests" ]; then
      reads_per=$(ratio $((reads1 - reads0)) "$requests" 3)
      read_bytes_per=$(ratio $((rbytes1 - rbytes0)) "$requests" 1)
    fi
    cpu=$(awk -v t=$((after - before)) -v hz="$TICKS" 'BEGIN { printf "%.2f", t / hz }')
    per=$(awk -v t=$((after - before)) -v hz="$TICKS" -v n="$requests" 'BEGIN { if (n > 0) printf "%.2f", t / hz / n * 1e6; else print "" }')
    check_run
    noisy=0
    awk -v v="$during" -v max="$QUIET_PCT" 'BEGIN { exit !(v >= max) }' && noisy=1
    # A noisy run is measured again, after waiting for quiet (a check that failed in a noisy run
    # too: timeouts, say); so is a preflight run that failed its check while others were busy.
    kept=1
    retry=0
    if [ "$noisy" = 1 ] && [ "$attempt" -le "$NOISY_RETRIES" ]; then
      [ "$round" -gt 0 ] || [ "$CHECK" != pass ] && retry=1
    fi
    [ "$round" -eq 0 ] || [ "$retry" = 1 ] && kept=0
    echo "$workload,$round,$attempt,$kept,$name,${rps:-0},$requests,$p99,$cpu,$per,$errors,$non2xx,$bytes_per,$accepted,$accepts_per,$seen,$turnover,$reads_per,$read_bytes_per,$server_requests,$CHECK,\"$CHECK_DETAIL\",$QUIET_BEFORE,$during,$QUIET_WAITED,$load,$duration,$THREADS,$CONNECTIONS,$SERVER_CPUS,$CLIENT_CPUS" >> "$CSV"
    printf '%-14s r%d a%d %-22s %9s req/s  p99 %8s ms  %6s us/req  accepts/req %-6s turnover %-4s reads/req %-6s  others %5s%%  check %s\n' \
      "$workload" "$round" "$attempt" "$name" "${rps:-0}" "$p99" "$per" "$accepts_per" "${turnover:--}" "${reads_per:--}" "$during" "$CHECK"
    if [ "$retry" = 1 ]; then
      echo "   others used ${during}% of a CPU during that run: measuring it again"
      continue
    fi
    if [ "$CHECK" != pass ]; then
      FAILED_CHECKS=$((FAILED_CHECKS + 1))
      {
        echo "!! CHECK FAILED: $workload against $name does not do what its name says (round $round):"
        echo "!!   ${CHECK_DETAIL//;/$'\n'!!   }"
        echo "!!   wrk ${WRK_ARGS[*]} -d ${duration}s $url"
      } | tee -a "$RESULTS/environment.txt" >&2
    fi
    return 0
  done
}

stop_if_failed() {
  if [ "$FAILED_CHECKS" -gt 0 ] && [ "$ON_CHECK_FAILURE" = stop ]; then
    echo "!! stopped after $1: $FAILED_CHECKS runs failed their checks (ON_CHECK_FAILURE=continue records them and goes on); rows so far: $CSV" >&2
    exit 1
  fi
}

if [ "$PREFLIGHT" -gt 0 ]; then
  echo "== preflight: every workload against every target for ${PREFLIGHT}s, checked, not counted"
  for workload in $WORKLOADS; do
    workload_arguments "$workload"
    for name in "${PRESENT[@]}"; do
      [[ $workload != file-* ]] || serves_files "$name" || continue
      measure "$name" "$workload" 0 "$PREFLIGHT"
    done
  done
  stop_if_failed "the preflight"
fi

for workload in $WORKLOADS; do
  workload_arguments "$workload"
  for round in $(seq 1 "$ROUNDS"); do
    for name in "${PRESENT[@]}"; do
      [[ $workload != file-* ]] || serves_files "$name" || continue
      measure "$name" "$workload" "$round" "$DURATION"
      stop_if_failed "$workload against $name"
    done
  done
done

# Resident memory of every target after the whole run (nginx: master and workers together).
echo "target,vmrss_kib" > "$RESULTS/rss-after.csv"
for name in "${PRESENT[@]}"; do
  rss=0
  for pid in $(target_pids "$name"); do
    rss=$((rss + $(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)))
  done
  echo "$name,$rss" >> "$RESULTS/rss-after.csv"
done
stop_targets
trap - EXIT
echo "uptime at end: $(uptime)" >> "$RESULTS/environment.txt"
rm -rf "$JARS"  # the logs of the targets stay in $RUN_DIR
python3 bench/report.py --results "$RESULTS" --reference "$REFERENCE"
echo "== wrote $RESULTS/results.md, results.json, *.svg (target logs in $RUN_DIR)"
if [ "$FAILED_CHECKS" -gt 0 ]; then
  echo "!! $FAILED_CHECKS runs failed their checks (column check of $CSV): their figures do not measure what the workload's name says" >&2
  exit 1
fi
