#!/usr/bin/env bash
# Stops the secure-mode broker politely (SIGTERM), then forcibly after 60 s. Its CA, certificates,
# passwords and data stay in $KAFKA_SECURE_WORK_DIR for the next start.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/secure-env.sh"
stop_broker "$SECURE_PID_FILE" "secure Kafka"
