# Makes what secure mode needs at its first start and keeps it across restarts: a local CA, the
# broker's certificate and keystore, and one random SCRAM password per principal. Sourced, not run.

# The CA signs the broker certificate (SAN 127.0.0.1 and localhost, what clients dial); clients
# trust ca.pem alone. The keystore is PKCS#12 made by openssl, read by the broker's JVM.
ensure_tls_materials() {
  local tls="$SECURE_TLS_DIR"
  if [ -s "$tls/ca.pem" ] && [ -s "$tls/broker.p12" ] && [ -s "$tls/keystore.password" ]; then
    return 0
  fi
  command -v openssl >/dev/null || { echo "samenloop: openssl is needed to make the secure broker's certificates" >&2; return 1; }
  rm -rf "$tls"
  mkdir -p "$tls"
  chmod 700 "$tls"
  (
    cd "$tls"
    umask 077
    openssl req -x509 -newkey rsa:3072 -sha256 -days 825 -nodes -keyout ca.key -out ca.pem \
      -subj "/CN=Samenloop local CA" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
    openssl req -newkey rsa:3072 -sha256 -nodes -keyout broker.key -out broker.csr \
      -subj "/CN=localhost" 2>/dev/null
    printf '%s\n' "subjectAltName=IP:127.0.0.1,DNS:localhost" "basicConstraints=CA:FALSE" \
      "keyUsage=critical,digitalSignature,keyEncipherment" "extendedKeyUsage=serverAuth,clientAuth" > broker.ext
    openssl x509 -req -in broker.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 825 -sha256 \
      -extfile broker.ext -out broker.pem 2>/dev/null
    random_secret > keystore.password
    openssl pkcs12 -export -name broker -in broker.pem -inkey broker.key -certfile ca.pem \
      -passout file:keystore.password -out broker.p12
    rm -f broker.csr broker.ext ca.srl
    chmod 644 ca.pem
  )
  echo "samenloop: made a local CA ($tls/ca.pem) and the broker's certificate"
}

# The principals of the secure broker: the broker itself, the super user, the hub, the operator, and
# one per partner of the registry, named exactly as the partner id.
secure_principals() {
  local registry="${SAMENLOOP_PARTNERS_FILE:-$KAFKA_HOME_DIR/../partners/oost-brabant.yaml}"
  [ -f "$registry" ] || { echo "samenloop: partner registry $registry not found (SAMENLOOP_PARTNERS_FILE)" >&2; return 1; }
  printf '%s\n' "$SECURE_BROKER_PRINCIPAL" admin samenloop-hub samenloop-operator
  # The registry lists each partner as `- id: <ID>`; the ids are plain words (checked below).
  sed -n -E "s/^[[:space:]]*-[[:space:]]+id:[[:space:]]*['\"]?([^'\"#[:space:]]+)['\"]?.*$/\1/p" "$registry"
}

# A password file for each principal that has none yet.
ensure_password_files() {
  local principal
  mkdir -p "$SECURE_CREDENTIALS_DIR"
  chmod 700 "$SECURE_CREDENTIALS_DIR"
  for principal in "$@"; do
    check_principal_name "$principal"
    [ -s "$(credential_file "$principal")" ] || write_secret_file "$(credential_file "$principal")" "$(random_secret)"
  done
}
