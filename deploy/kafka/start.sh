#!/usr/bin/env bash
# Starts one combined KRaft broker+controller on 127.0.0.1 and waits until it answers.
# Idempotent: a running broker is left alone.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

if broker_pid_alive && wait_for_broker 10 >/dev/null 2>&1; then
  echo "samenloop: Kafka already running at $KAFKA_BOOTSTRAP (pid $(cat "$KAFKA_PID_FILE"))"
  exit 0
fi

bash "$KAFKA_HOME_DIR/provision.sh"
# Someone else's broker on the port would take our clients (and our stop/start) for a ride.
if wait_for_broker 3 >/dev/null 2>&1; then
  echo "samenloop: another process already answers at $KAFKA_BOOTSTRAP (not the broker in $KAFKA_WORK_DIR); stop it or set KAFKA_PORT" >&2
  exit 1
fi
mkdir -p "$KAFKA_DATA_DIR" "$KAFKA_LOG_DIR"

properties="$KAFKA_WORK_DIR/server.properties"
sed -e "s|@KAFKA_PORT@|$KAFKA_PORT|g" \
    -e "s|@KAFKA_CONTROLLER_PORT@|$KAFKA_CONTROLLER_PORT|g" \
    -e "s|@KAFKA_DATA_DIR@|$KAFKA_DATA_DIR|g" \
    "$KAFKA_HOME_DIR/server.properties.template" > "$properties"

classpath="$KAFKA_LIB_DIR/*"
log_config="-Dlog4j.configuration=file:$KAFKA_HOME_DIR/log4j.properties -Dkafka.logs.dir=$KAFKA_LOG_DIR"

cluster_id_file="$KAFKA_WORK_DIR/cluster.id"
if [ ! -s "$cluster_id_file" ]; then
  java -cp "$classpath" $log_config kafka.tools.StorageTool random-uuid > "$cluster_id_file"
fi
java -cp "$classpath" $log_config kafka.tools.StorageTool format \
  -t "$(cat "$cluster_id_file")" -c "$properties" --ignore-formatted >/dev/null

# setsid: the broker must outlive the npm/jest process that started it.
setsid nohup java $KAFKA_HEAP_OPTS $KAFKA_JVM_PERFORMANCE_OPTS $log_config \
  -cp "$classpath" kafka.Kafka "$properties" > "$KAFKA_LOG_DIR/console.log" 2>&1 < /dev/null &
echo $! > "$KAFKA_PID_FILE"

if ! wait_for_broker 120 || ! broker_pid_alive; then
  # Also fails when another process already holds the port: our broker died, someone else answered.
  echo "samenloop: Kafka did not answer at $KAFKA_BOOTSTRAP; last log lines:" >&2
  tail -n 30 "$KAFKA_LOG_DIR/console.log" >&2 || true
  exit 1
fi
echo "samenloop: Kafka running at $KAFKA_BOOTSTRAP (pid $(cat "$KAFKA_PID_FILE"), data in $KAFKA_DATA_DIR)"
