#!/usr/bin/env bash
# Prints the KAFKA_* client settings of one principal on the secure broker as shell exports, for
# the gateway, the CLI or a script run as that principal:
#   eval "$(bash deploy/kafka/client-env.sh VT-ZOB)" && npx samenloop partner receive --as VT-ZOB
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/secure-env.sh"

principal="${1:-}"
[ -n "$principal" ] || { echo "usage: $0 <principal>   (e.g. admin, samenloop-hub, POLITIE-OB)" >&2; exit 2; }
check_principal_name "$principal"
[ -s "$(credential_file "$principal")" ] || { echo "samenloop: no password for $principal in $SECURE_CREDENTIALS_DIR; start the secure broker (start-secure.sh) or create it with scram-user.sh" >&2; exit 1; }
printf 'export %s=%q\n' \
  KAFKA_BROKERS "$KAFKA_SECURE_BOOTSTRAP" \
  KAFKA_SECURITY_PROTOCOL SASL_SSL \
  KAFKA_SASL_MECHANISM SCRAM-SHA-512 \
  KAFKA_SASL_USERNAME "$principal" \
  KAFKA_SASL_PASSWORD_FILE "$(credential_file "$principal")" \
  KAFKA_SSL_CA_FILE "$SECURE_TLS_DIR/ca.pem"
