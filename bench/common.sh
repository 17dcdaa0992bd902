# Sourced by the bench/*.sh scripts: finds a JDK 21+ the way .ci/run does, and raises the
# open-files limit (each connection is a file descriptor on both sides).
JAVA_HOME_FOUND=""
for home in "${JAVA_HOME:-}" /usr/lib/jvm/* "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/*; do
  [ -x "$home/bin/javac" ] || continue
  v=$("$home/bin/java" -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.specification.version/ {print $2}')
  if [ "${v%%.*}" -ge 21 ] 2>/dev/null; then JAVA_HOME_FOUND="$home"; break; fi
done
[ -n "$JAVA_HOME_FOUND" ] || { echo "No JDK 21+ found under /usr/lib/jvm (see docs/00-setup.md)." >&2; exit 1; }
JAVA="$JAVA_HOME_FOUND/bin/java"
JFR="$JAVA_HOME_FOUND/bin/jfr"
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
