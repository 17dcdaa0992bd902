#!/usr/bin/env bash
# 1 event loop against 2 (docs/06-performance.md, "One event loop or two"): the same targets
# started twice, NAME@1 and NAME@2 (final-server --event-loops, Netty --threads, the raw loop
# --reactors, nginx worker_processes), through bench/run.sh with its checks and quiet-machine gate.
#
#   bash bench/event-loops.sh                       # writes bench/results/event-loops/
#   LOOPS="1 2 4" BASES="final-server nginx" bash bench/event-loops.sh
#
# With 4 or more CPUs the servers get CPUs 0-1 and wrk the rest. With 2 CPUs (the course's
# machine) two event loops need both CPUs, so nothing is pinned and wrk shares them: say so next
# to the figures. Every other knob of bench/run.sh (DURATION, ROUNDS, QUIET_PCT, ...) applies.
set -euo pipefail
cd "$(dirname "$0")/.."
LOOPS=${LOOPS:-"1 2"}
BASES=${BASES:-"final-server netty-epoll nginx raw-nio-loop"}
targets=""
for base in $BASES; do
  for n in $LOOPS; do targets="$targets $base@$n"; done
done
if [ "$(nproc)" -ge 4 ]; then
  export SERVER_CPUS=${SERVER_CPUS:-0-1} CLIENT_CPUS=${CLIENT_CPUS:-2-$(($(nproc) - 1))}
else
  export SERVER_CPUS=${SERVER_CPUS:-all} CLIENT_CPUS=${CLIENT_CPUS:-all}
fi
TARGETS="${targets# }" WORKLOADS=${WORKLOADS:-"keepalive-50 pipeline-16 close"} \
  RESULTS=${RESULTS:-bench/results/event-loops} REFERENCE=${REFERENCE:-final-server@1} exec bash bench/run.sh
