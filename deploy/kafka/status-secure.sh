#!/usr/bin/env bash
# Exits 0 when the secure-mode broker started by start-secure.sh is running and answers `admin`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/secure-env.sh"
secure_broker_pid_alive && [ -f "$SECURE_ADMIN_CONFIG" ] && wait_for_secure_broker 5 >/dev/null 2>&1
