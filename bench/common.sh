# Sourced by the bench/*.sh scripts: finds a JDK 21+ with the repository's ./java21 (the way
# docs/00-setup.md runs a jar), and raises the open-files limit (each connection is a file
# descriptor on both sides).
JAVA_HOME_FOUND=$("$(dirname "${BASH_SOURCE[0]}")/../java21" --home) || exit 1
JAVA="$JAVA_HOME_FOUND/bin/java"
JFR="$JAVA_HOME_FOUND/bin/jfr"
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
