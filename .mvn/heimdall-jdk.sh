# Sourced by ./mvnw: Heimdall builds need Maven itself on a JDK >= 25, because the jar tool that packages modular jars
# is the running JDK's and must read release-25 module descriptors. Keeps JAVA_HOME if it is already >= 25; otherwise
# looks at the java on PATH and at /usr/lib/jvm/* and exports the first JDK >= 25 it finds.
heimdall_jdk_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p'
}
heimdall_jdk_ok() {
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] && [ "$(heimdall_jdk_major "$1")" -ge 25 ] 2>/dev/null
}
if [ -z "${JAVA_HOME:-}" ] || ! heimdall_jdk_ok "$JAVA_HOME"; then
  heimdall_path_jdk=""
  if command -v javac >/dev/null 2>&1; then
    heimdall_path_jdk=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
  fi
  for heimdall_candidate in $heimdall_path_jdk /usr/lib/jvm/*; do
    if heimdall_jdk_ok "$heimdall_candidate"; then
      JAVA_HOME="$heimdall_candidate"
      export JAVA_HOME
      break
    fi
  done
fi
# Maven's own libraries call sun.misc.Unsafe; keep JDK 25 from warning about it on every build.
if [ -n "${JAVA_HOME:-}" ] && [ "$(heimdall_jdk_major "$JAVA_HOME")" -ge 24 ] 2>/dev/null; then
  case "${MAVEN_OPTS:-}" in
    *sun-misc-unsafe-memory-access*) ;;
    *) MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"; export MAVEN_OPTS ;;
  esac
fi
