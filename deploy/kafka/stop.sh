#!/usr/bin/env bash
# Stops the local broker politely (SIGTERM, so it closes its logs cleanly), then forcibly after 60 s.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
stop_broker "$KAFKA_PID_FILE" Kafka
