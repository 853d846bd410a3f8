# Shared by bench/run.sh and bench/chaos.sh (sourced, not run): checks the tree is built, finds the jars the mock
# and the generator need, and a JDK >= 25. Expects ROOT, BENCH, DIST and the functions say/die to be defined.
first_jar() { # first_jar GLOB...: the first existing jar that is not a sources/tests/javadoc jar
  local f
  for f in "$@"; do
    case $f in *-sources.jar | *-tests.jar | *-javadoc.jar) continue ;; esac
    if [ -f "$f" ]; then
      printf '%s\n' "$f"
      return 0
    fi
  done
  return 0
}
TESTKIT_JAR=$(first_jar "$ROOT"/gateway-testkit/target/heimdall-testkit-*.jar)
BENCH_JAR=$BENCH/target/heimdall-bench.jar
HDR_JAR=$(first_jar "$BENCH"/target/lib/HdrHistogram-*.jar)
missing=""
[ -x "$DIST/bin/heimdall" ] || missing="$missing $DIST/bin/heimdall"
[ -n "$TESTKIT_JAR" ] || missing="$missing gateway-testkit/target/heimdall-testkit-*.jar"
[ -f "$BENCH_JAR" ] || missing="$missing $BENCH_JAR"
[ -n "$HDR_JAR" ] || missing="$missing bench/target/lib/HdrHistogram-*.jar"
if [ -n "$missing" ]; then
  die "not built:$missing
  Build first, from $ROOT:  ./mvnw -DskipTests package"
fi

# A Java >= 25 for the mock and the generator: the same search the Maven wrapper does (JAVA_HOME, PATH, /usr/lib/jvm).
# shellcheck source=/dev/null
. "$ROOT/.mvn/heimdall-jdk.sh"
if [ -z "${JAVA_HOME:-}" ] || [ ! -x "$JAVA_HOME/bin/java" ]; then
  die "no JDK >= 25 found (set JAVA_HOME)"
fi
JAVA=$JAVA_HOME/bin/java
JAVA_VERSION=$("$JAVA" -version 2>&1 | head -n 1)
