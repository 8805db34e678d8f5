#!/usr/bin/env bash
# Development TLS for one partner connector: `connector-tls.sh <dir> <PARTNER-ID>` makes, once, in
# <dir>/<PARTNER-ID>/ the partner's own CA (ca.pem), the connector's server certificate for
# 127.0.0.1 and localhost (connector.pem, connector.key) and the case system's client certificate
# (case-system.pem, case-system.key) that mTLS lets in. A real partner uses its own PKI instead.
set -euo pipefail
dir="${1:?usage: connector-tls.sh <dir> <PARTNER-ID>}"
partner="${2:?usage: connector-tls.sh <dir> <PARTNER-ID>}"
[[ "$partner" =~ ^[A-Z0-9-]{1,64}$ ]] || { echo "samenloop: '$partner' is no partner id" >&2; exit 2; }
command -v openssl >/dev/null || { echo "samenloop: openssl is needed to make the connector's development certificates" >&2; exit 1; }
out="$dir/$partner"
if [ -s "$out/ca.pem" ] && [ -s "$out/connector.pem" ] && [ -s "$out/case-system.pem" ]; then exit 0; fi
rm -rf "$out"
mkdir -p "$out"
chmod 700 "$out"
cd "$out"
umask 077
# P-256 keys: made in milliseconds, and what TLS 1.3 clients everywhere speak.
key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
issue() { # <name> <subject> <extensions...>
  local name="$1" subject="$2"
  shift 2
  key "$name.key"
  openssl req -new -key "$name.key" -subj "$subject" -out "$name.csr" 2>/dev/null
  printf '%s\n' "basicConstraints=critical,CA:FALSE" "$@" > "$name.ext"
  openssl x509 -req -in "$name.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days 397 -sha256 \
    -extfile "$name.ext" -out "$name.pem" 2>/dev/null
  rm -f "$name.csr" "$name.ext"
}
key ca.key
openssl req -x509 -new -key ca.key -sha256 -days 825 -out ca.pem -subj "/O=$partner/CN=$partner development CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
issue connector "/O=$partner/CN=localhost" "keyUsage=critical,digitalSignature" \
  "extendedKeyUsage=serverAuth" "subjectAltName=IP:127.0.0.1,DNS:localhost"
issue case-system "/O=$partner/CN=$partner case system" "keyUsage=critical,digitalSignature" \
  "extendedKeyUsage=clientAuth"
rm -f ca.srl
chmod 644 ca.pem connector.pem case-system.pem
echo "samenloop: made development TLS for the $partner connector in $out"
