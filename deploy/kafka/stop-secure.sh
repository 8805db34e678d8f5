#!/usr/bin/env bash
# Stops the secure-mode broker politely (SIGTERM), then forcibly after 60 s. Its CA, certificates,
# passwords and data stay in $KAFKA_SECURE_WORK_DIR for the next start.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/secure-env.sh"

if ! secure_broker_pid_alive; then
  rm -f "$SECURE_PID_FILE"
  echo "samenloop: secure Kafka is not running"
  exit 0
fi
pid="$(cat "$SECURE_PID_FILE")"
kill -TERM "$pid"
for _ in $(seq 1 60); do
  kill -0 "$pid" 2>/dev/null || break
  sleep 1
done
kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
rm -f "$SECURE_PID_FILE"
echo "samenloop: secure Kafka stopped"
