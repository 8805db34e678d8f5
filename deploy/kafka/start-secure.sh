#!/usr/bin/env bash
# Starts the single-node KRaft broker in secure mode (SASL_SSL + SCRAM-SHA-512 for clients, ACLs
# with StandardAuthorizer) on 127.0.0.1:$KAFKA_SECURE_PORT and waits until it answers `admin`.
# The first start makes the CA, the broker certificate and every principal's password; later
# starts keep them. Idempotent: a running broker is left alone.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/secure-env.sh"
source "$KAFKA_HOME_DIR/secure-materials.sh"

# The ACLs follow the partner registry: `samenloop acl apply` as admin, idempotent, prints the diff.
apply_registry_acls() {
  local registry
  registry="$(realpath "${SAMENLOOP_PARTNERS_FILE:-$KAFKA_HOME_DIR/../partners/oost-brabant.yaml}")"
  (
    unset KAFKA_SASL_PASSWORD KAFKA_SSL_CERT_FILE KAFKA_SSL_KEY_FILE
    eval "$(KAFKA_SECURE_WORK_DIR="$KAFKA_SECURE_WORK_DIR" KAFKA_SECURE_PORT="$KAFKA_SECURE_PORT" \
      bash "$KAFKA_HOME_DIR/client-env.sh" admin)"
    cd "$KAFKA_HOME_DIR/../.." && SAMENLOOP_PARTNERS_FILE="$registry" node bin/samenloop.js acl apply
  )
}

if secure_broker_pid_alive && [ -f "$SECURE_ADMIN_CONFIG" ] && wait_for_secure_broker 10 >/dev/null 2>&1; then
  echo "samenloop: secure Kafka already running at $KAFKA_SECURE_BOOTSTRAP (pid $(cat "$SECURE_PID_FILE"))"
  apply_registry_acls
  exit 0
fi

bash "$KAFKA_HOME_DIR/provision.sh"
# Someone else's listener on the port would take our clients for a ride.
if (exec 3<>"/dev/tcp/127.0.0.1/$KAFKA_SECURE_PORT") 2>/dev/null; then
  echo "samenloop: another process already listens on $KAFKA_SECURE_BOOTSTRAP (not the broker in $KAFKA_SECURE_WORK_DIR); stop it or set KAFKA_SECURE_PORT" >&2
  exit 1
fi
mkdir -p "$SECURE_DATA_DIR" "$SECURE_LOG_DIR"
ensure_tls_materials
mapfile -t principals < <(secure_principals)

formatted=false
[ -f "$SECURE_DATA_DIR/meta.properties" ] && formatted=true
# On formatted storage a principal without a password file is new (or was added to the registry
# later): it gets its SCRAM credential through the admin API once the broker answers.
missing=()
for principal in "${principals[@]}"; do
  [ -s "$(credential_file "$principal")" ] || missing+=("$principal")
done
if $formatted; then
  for principal in "$SECURE_BROKER_PRINCIPAL" admin; do
    if [ ! -s "$(credential_file "$principal")" ]; then
      echo "samenloop: $(credential_file "$principal") is missing but the secure broker's storage in $SECURE_DATA_DIR already knows $principal; restore the file, or remove $KAFKA_SECURE_WORK_DIR to start afresh" >&2
      exit 1
    fi
  done
else
  ensure_password_files "${principals[@]}"
  missing=()
fi
write_admin_client_config

properties="$KAFKA_SECURE_WORK_DIR/server.properties"
(umask 077 && sed -e "s|@KAFKA_SECURE_PORT@|$KAFKA_SECURE_PORT|g" \
    -e "s|@KAFKA_SECURE_CONTROLLER_PORT@|$KAFKA_SECURE_CONTROLLER_PORT|g" \
    -e "s|@KAFKA_DATA_DIR@|$SECURE_DATA_DIR|g" \
    -e "s|@TLS_DIR@|$SECURE_TLS_DIR|g" \
    -e "s|@KEYSTORE_PASSWORD@|$(cat "$SECURE_TLS_DIR/keystore.password")|g" \
    -e "s|@BROKER_PRINCIPAL@|$SECURE_BROKER_PRINCIPAL|g" \
    -e "s|@BROKER_PASSWORD@|$(cat "$(credential_file "$SECURE_BROKER_PRINCIPAL")")|g" \
    "$KAFKA_HOME_DIR/server-secure.properties.template" > "$properties")

classpath="$KAFKA_LIB_DIR/*"
log_config="-Dlog4j.configuration=file:$KAFKA_HOME_DIR/log4j.properties -Dkafka.logs.dir=$SECURE_LOG_DIR"

if ! $formatted; then
  cluster_id_file="$KAFKA_SECURE_WORK_DIR/cluster.id"
  [ -s "$cluster_id_file" ] || java -cp "$classpath" $log_config kafka.tools.StorageTool random-uuid > "$cluster_id_file"
  # KRaft stores SCRAM credentials in the metadata log: formatting is the one way to create the
  # first super user, before any client can authenticate.
  scram_args=()
  for principal in "${principals[@]}"; do
    scram_args+=(--add-scram "SCRAM-SHA-512=[name=$principal,password=$(cat "$(credential_file "$principal")")]")
  done
  java -cp "$classpath" $log_config kafka.tools.StorageTool format \
    -t "$(cat "$cluster_id_file")" -c "$properties" "${scram_args[@]}" >/dev/null
fi

# setsid: the broker must outlive the npm/jest process that started it.
setsid nohup java $KAFKA_HEAP_OPTS $KAFKA_JVM_PERFORMANCE_OPTS $log_config \
  -cp "$classpath" kafka.Kafka "$properties" > "$SECURE_LOG_DIR/console.log" 2>&1 < /dev/null &
echo $! > "$SECURE_PID_FILE"

if ! wait_for_secure_broker 120 || ! secure_broker_pid_alive; then
  echo "samenloop: secure Kafka did not answer at $KAFKA_SECURE_BOOTSTRAP; last log lines:" >&2
  tail -n 30 "$SECURE_LOG_DIR/console.log" >&2 || true
  exit 1
fi
for principal in "${missing[@]}"; do
  bash "$KAFKA_HOME_DIR/scram-user.sh" "$principal"
done
apply_registry_acls
echo "samenloop: secure Kafka running at $KAFKA_SECURE_BOOTSTRAP (pid $(cat "$SECURE_PID_FILE")); CA $SECURE_TLS_DIR/ca.pem, passwords in $SECURE_CREDENTIALS_DIR"
