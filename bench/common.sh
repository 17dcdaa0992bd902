# Sourced by the bench/*.sh scripts: finds a JDK 21+ with the repository's ./java21 (the way
# docs/00-setup.md runs a jar), and raises the open-files limit (each connection is a file
# descriptor on both sides).
JAVA_HOME_FOUND=$("$(dirname "${BASH_SOURCE[0]}")/../java21" --home) || exit 1
JAVA="$JAVA_HOME_FOUND/bin/java"
JFR="$JAVA_HOME_FOUND/bin/jfr"
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

# wait_for_server PORT: until GET / answers on 127.0.0.1:PORT (at most 30 s).
wait_for_server() {
  for _ in $(seq 1 150); do curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$1/" && return 0; sleep 0.2; done
}

# workload_options NAME: sets the array `options` to wrk's options for the short workloads of
# syscalls.sh and cpu-split.sh (close, pipeline-16, keepalive-50); exits on any other name.
workload_options() {
  case "$1" in
    close)        options=(-c 50 -H 'Connection: close') ;;
    pipeline-16)  options=(-c 50 -s bench/lua/pipeline.lua) ;;
    keepalive-50) options=(-c 50) ;;
    *) echo "unknown WORKLOAD $1 (close, pipeline-16, keepalive-50)" >&2; exit 2 ;;
  esac
}
