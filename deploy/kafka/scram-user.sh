#!/usr/bin/env bash
# Creates or rotates the SCRAM-SHA-512 password of one principal on the running secure broker,
# through Kafka's admin API (ConfigCommand, as `admin`), then writes it to its credentials file.
# Usage: scram-user.sh <principal>
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/secure-env.sh"
source "$KAFKA_HOME_DIR/secure-materials.sh"

principal="${1:-}"
[ -n "$principal" ] || { echo "usage: $0 <principal>   (e.g. samenloop-hub, POLITIE-OB)" >&2; exit 2; }
check_principal_name "$principal"
if [ "$principal" = "$SECURE_BROKER_PRINCIPAL" ]; then
  # Its password sits in the running broker's own configuration, which only a restart rereads.
  echo "samenloop: $principal is the broker's own principal and is not rotated while the broker runs" >&2
  exit 2
fi
if ! secure_broker_pid_alive || [ ! -f "$SECURE_ADMIN_CONFIG" ]; then
  echo "samenloop: the secure broker is not running; start it with deploy/kafka/start-secure.sh" >&2
  exit 1
fi
mkdir -p "$SECURE_CREDENTIALS_DIR"
file="$(credential_file "$principal")"
# The new password is kept aside until the broker has it, so a failed call loses nothing.
write_secret_file "$file.new" "$(random_secret)"
if ! java -cp "$KAFKA_LIB_DIR/*" $TOOLS_LOG_CONFIG kafka.admin.ConfigCommand \
  --bootstrap-server "$KAFKA_SECURE_BOOTSTRAP" --command-config "$SECURE_ADMIN_CONFIG" \
  --alter --entity-type users --entity-name "$principal" \
  --add-config "SCRAM-SHA-512=[password=$(cat "$file.new")]" >/dev/null; then
  rm -f "$file.new"
  echo "samenloop: the broker did not accept a new SCRAM-SHA-512 password for $principal; its old password (if any) still holds" >&2
  exit 1
fi
mv -f "$file.new" "$file"
[ "$principal" = admin ] && write_admin_client_config
echo "samenloop: SCRAM-SHA-512 password of $principal set; it is in $file"
