#!/usr/bin/env bash
# Makes the table of docs/02-io.md, "Measured: one slow client": for each threading mode, start
# the step-2 server (console to /dev/null), run SlowClientBench against it, stop it.
# Usage: bash step2-io/bench/slow-client-table.sh   (after mvn -pl step2-io -DskipTests package)
set -euo pipefail
cd "$(dirname "$0")/../.."
java=${JAVA:-$(./java21 --home)/bin/java} # a JDK 21+, found the way docs/00-setup.md says
jar=step2-io/target/step2-io.jar
port=${PORT:-8139}
seconds=${SECONDS_PER_RUN:-5}
clients=${CLIENTS:-4}

run() { # mode read-timeout-ms slow(0|1)
  "$java" -jar "$jar" --port "$port" --threads "$1" --read-timeout "$2" > /dev/null 2>&1 &
  local server=$!
  for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && break; sleep 0.1; done
  sleep 0.5
  printf '| %s | %s | %s ' "$1" "$2" "$([ "$3" = 1 ] && echo yes || echo no)"
  "$java" step2-io/bench/SlowClientBench.java --port "$port" --seconds "$seconds" --clients "$clients" --slow "$3"
  kill "$server"; wait "$server" 2>/dev/null || true
}

echo "| --threads | --read-timeout (ms) | slow client | served | in (s) | per second | median | slowest | failed | slow-client visits |"
echo "|---|---|---|---|---|---|---|---|---|---|"
run single 10000 0
run single 10000 1
run single 1000 1
run per-connection 10000 1
run virtual 10000 1
