#!/usr/bin/env bash
# Exits 0 when the local broker started by start.sh is running and answers, 1 otherwise.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
broker_pid_alive && wait_for_broker 5 >/dev/null 2>&1
