# Shared settings for the secure-mode broker scripts (SASL_SSL + SCRAM-SHA-512, ACLs); sourced, not run.
# Secure mode has its own ports and work dir, so it can run beside the plaintext broker; both
# share the jars in $KAFKA_LIB_DIR that provision.sh resolves.
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

KAFKA_SECURE_WORK_DIR="${KAFKA_SECURE_WORK_DIR:-$KAFKA_HOME_DIR/.work-secure}"
mkdir -p "$KAFKA_SECURE_WORK_DIR"
KAFKA_SECURE_WORK_DIR="$(cd "$KAFKA_SECURE_WORK_DIR" && pwd)"
KAFKA_SECURE_PORT="${KAFKA_SECURE_PORT:-19094}"
KAFKA_SECURE_CONTROLLER_PORT="${KAFKA_SECURE_CONTROLLER_PORT:-19095}"
KAFKA_SECURE_BOOTSTRAP="127.0.0.1:$KAFKA_SECURE_PORT"
SECURE_TLS_DIR="$KAFKA_SECURE_WORK_DIR/tls"
SECURE_CREDENTIALS_DIR="$KAFKA_SECURE_WORK_DIR/credentials"
SECURE_DATA_DIR="$KAFKA_SECURE_WORK_DIR/data"
SECURE_LOG_DIR="$KAFKA_SECURE_WORK_DIR/logs"
SECURE_PID_FILE="$KAFKA_SECURE_WORK_DIR/broker.pid"
# The client settings Kafka's own tools use to act as the super user `admin`.
SECURE_ADMIN_CONFIG="$KAFKA_SECURE_WORK_DIR/admin-client.properties"
# The broker's own principal: inter-broker traffic (transaction markers) and controller requests.
SECURE_BROKER_PRINCIPAL="samenloop-broker"
TOOLS_LOG_CONFIG="-Dlog4j.configuration=file:$KAFKA_HOME_DIR/log4j-tools.properties"

secure_broker_pid_alive() {
  [ -f "$SECURE_PID_FILE" ] && kill -0 "$(cat "$SECURE_PID_FILE")" 2>/dev/null
}

credential_file() {
  echo "$SECURE_CREDENTIALS_DIR/$1.password"
}

# Principal names become file names and SCRAM user names: no path separators, no quoting trouble.
check_principal_name() {
  if ! [[ "$1" =~ ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$ ]]; then
    echo "samenloop: '$1' is not a principal name (letters, digits, '.', '_', '-'; at most 64)" >&2
    return 1
  fi
}

# Hex only: safe inside JAAS quotes and ConfigCommand's [password=…] syntax.
random_secret() {
  openssl rand -hex 24
}

# Writes a file readable by its owner alone, atomically, so a reader never sees half a secret.
write_secret_file() {
  local file="$1" content="$2"
  (umask 077 && printf '%s\n' "$content" > "$file.tmp")
  mv -f "$file.tmp" "$file"
}

write_admin_client_config() {
  (umask 077 && cat > "$SECURE_ADMIN_CONFIG.tmp" <<PROPERTIES
security.protocol=SASL_SSL
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$(cat "$(credential_file admin)")";
ssl.truststore.type=PEM
ssl.truststore.location=$SECURE_TLS_DIR/ca.pem
PROPERTIES
  )
  mv -f "$SECURE_ADMIN_CONFIG.tmp" "$SECURE_ADMIN_CONFIG"
}

# Polls with Kafka's own AdminClient as `admin` over SASL_SSL, never by reading the log.
wait_for_secure_broker() {
  java -cp "$KAFKA_LIB_DIR/*" $TOOLS_LOG_CONFIG \
    "$KAFKA_HOME_DIR/WaitForBroker.java" "$KAFKA_SECURE_BOOTSTRAP" "$1" "$SECURE_ADMIN_CONFIG"
}
