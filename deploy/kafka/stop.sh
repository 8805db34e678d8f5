#!/usr/bin/env bash
# Stops the local broker politely (SIGTERM, so it closes its logs cleanly), then forcibly after 60 s.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

if ! broker_pid_alive; then
  rm -f "$KAFKA_PID_FILE"
  echo "samenloop: Kafka is not running"
  exit 0
fi
pid="$(cat "$KAFKA_PID_FILE")"
kill -TERM "$pid"
for _ in $(seq 1 60); do
  kill -0 "$pid" 2>/dev/null || break
  sleep 1
done
kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
rm -f "$KAFKA_PID_FILE"
echo "samenloop: Kafka stopped"
