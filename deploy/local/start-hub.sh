#!/usr/bin/env bash
# `npm start`: a local Kafka (unless KAFKA_BROKERS names one), then the hub's apps in the foreground.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

if [ -z "${KAFKA_BROKERS:-}" ]; then
  bash deploy/kafka/start.sh
  export KAFKA_BROKERS="127.0.0.1:${KAFKA_PORT:-19092}"
  kafka_note="local broker from deploy/kafka (stop it with: npm run kafka:stop)"
else
  kafka_note="from KAFKA_BROKERS"
fi

npx nest build gateway

export GATEWAY_HTTP_PORT="${GATEWAY_HTTP_PORT:-3000}"
cat <<INFO

Samenloop is starting:
  Kafka             ${KAFKA_BROKERS}  (${kafka_note})
  gateway           health at http://127.0.0.1:${GATEWAY_HTTP_PORT}/health
                    consumes ${GATEWAY_INBOUND_TOPIC:-samenloop.in.v1}, produces to ${GATEWAY_OUTBOUND_TOPIC:-samenloop.out.v1},
                    dead letters to ${GATEWAY_DEAD_LETTER_TOPIC:-samenloop.deadletter.v1}
  Stop with Ctrl-C (the gateway finishes its in-flight records first).

INFO
exec node dist/apps/gateway/main.js
