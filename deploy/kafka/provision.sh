#!/usr/bin/env bash
# Resolves the pinned Kafka broker and its runtime classpath from Maven Central into .work/lib.
# Idempotent: does nothing when the jars for the current pom.xml are already there.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

stamp="$KAFKA_LIB_DIR/.pom.sha256"
wanted="$(sha256sum "$KAFKA_HOME_DIR/pom.xml" | cut -d' ' -f1)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ]; then
  exit 0
fi

command -v java >/dev/null || { echo "samenloop: Java 17+ is needed to run the local Kafka broker (or set KAFKA_BROKERS)." >&2; exit 1; }
command -v mvn >/dev/null || { echo "samenloop: Maven is needed to fetch the local Kafka broker (or set KAFKA_BROKERS)." >&2; exit 1; }

echo "samenloop: resolving Apache Kafka from Maven Central into $KAFKA_LIB_DIR"
rm -rf "$KAFKA_LIB_DIR"
mvn -B -q -Dstyle.color=never -f "$KAFKA_HOME_DIR/pom.xml" dependency:copy-dependencies \
  -DincludeScope=runtime -DoutputDirectory="$KAFKA_LIB_DIR"
echo "$wanted" > "$stamp"
