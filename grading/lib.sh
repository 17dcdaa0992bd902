# Shared by the grading scripts (sourced, not run).

# A JDK 21+ (the one the build's toolchain would pick): its java runs the graded tests.
find_java() {
  local home v
  for home in "${JAVA_HOME:-}" /usr/lib/jvm/* "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/*; do
    [ -x "$home/bin/javac" ] || continue
    v=$("$home/bin/java" -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.specification.version/ {print $2}')
    if [ "${v%%.*}" -ge 21 ] 2>/dev/null; then echo "$home/bin/java"; return 0; fi
  done
  echo "no JDK 21+ found (JAVA_HOME, /usr/lib/jvm, ~/.sdkman, ~/.jdks)" >&2
  return 1
}

# Graded modules: the root pom's <module>s whose tests declare @Points, in build order.
graded_modules() {
  local root=$1 module
  for module in $(sed -n 's:.*<module>\(.*\)</module>.*:\1:p' "$root/pom.xml"); do
    grep -rqs '@Points(' "$root/$module/src/test/java" && echo "$module"
  done
  return 0
}

# The one package folder a module's student code lives in: src/main/java/dev/httpfromscratch/<it>.
module_package() {
  ls "$1/src/main/java/dev/httpfromscratch"
}
