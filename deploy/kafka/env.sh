# Shared settings for the local broker scripts; sourced, not run.
# KAFKA_PORT and KAFKA_CONTROLLER_PORT are the same setting names docker-compose.yml uses.
KAFKA_HOME_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
KAFKA_WORK_DIR="${KAFKA_WORK_DIR:-$KAFKA_HOME_DIR/.work}"
KAFKA_LIB_DIR="$KAFKA_WORK_DIR/lib"
KAFKA_DATA_DIR="$KAFKA_WORK_DIR/data"
KAFKA_LOG_DIR="$KAFKA_WORK_DIR/logs"
KAFKA_PID_FILE="$KAFKA_WORK_DIR/broker.pid"
KAFKA_PORT="${KAFKA_PORT:-19092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-19093}"
KAFKA_BOOTSTRAP="127.0.0.1:$KAFKA_PORT"
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms512m -Xmx512m}"
# Kafka's own JVM settings (its kafka-run-class.sh). Without the 20 ms pause target G1 aims at
# 200 ms and grows the young generation to match: the broker then stopped for 15-124 ms every
# few seconds under load, and every transaction in flight waited (docs/benchmarks.md).
KAFKA_JVM_PERFORMANCE_OPTS="${KAFKA_JVM_PERFORMANCE_OPTS:--XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true}"

broker_pid_alive() {
  [ -f "$KAFKA_PID_FILE" ] && kill -0 "$(cat "$KAFKA_PID_FILE")" 2>/dev/null
}

# Polls the broker with Kafka's own AdminClient (describeCluster), never by reading its log.
wait_for_broker() {
  local timeout_seconds="$1"
  java -cp "$KAFKA_LIB_DIR/*" -Dlog4j.configuration="file:$KAFKA_HOME_DIR/log4j-tools.properties" \
    "$KAFKA_HOME_DIR/WaitForBroker.java" "$KAFKA_BOOTSTRAP" "$timeout_seconds"
}

# Stops the broker whose pid is in $1 politely (SIGTERM, so it closes its logs cleanly), then
# forcibly after 60 s; $2 names it in the messages.
stop_broker() {
  local pid_file="$1" label="$2" pid
  if ! [ -f "$pid_file" ] || ! kill -0 "$(cat "$pid_file")" 2>/dev/null; then
    rm -f "$pid_file"
    echo "samenloop: $label is not running"
    return 0
  fi
  pid="$(cat "$pid_file")"
  kill -TERM "$pid"
  for _ in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 1
  done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
  rm -f "$pid_file"
  echo "samenloop: $label stopped"
}
