#!/usr/bin/env bash
# `npm start`: a local Kafka (unless KAFKA_BROKERS names one), development keys, the policy gateway,
# partner connectors for POLITIE-OB, VT-ZOB and VT-BNO (with file folders), then the demo case
# through it (POLITIE-OB and VT-ZOB through their connectors' HTTP API), then one sample file of
# each kind through the connectors' folders; all keep running in the foreground until Ctrl-C.
# `SAMENLOOP_KAFKA_MODE=secure npm start` does the same on the secure local broker.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

try_as=""
if [ "${SAMENLOOP_KAFKA_MODE:-plaintext}" = secure ]; then
  # TLS, SCRAM logins and the registry's ACLs: the gateway as samenloop-hub, and the demo's
  # partner simulator as each partner in turn (SAMENLOOP_PARTNER_CREDENTIALS_DIR).
  bash deploy/kafka/start-secure.sh
  eval "$(bash deploy/kafka/client-env.sh samenloop-hub)"
  export SAMENLOOP_PARTNER_CREDENTIALS_DIR
  SAMENLOOP_PARTNER_CREDENTIALS_DIR="$(source deploy/kafka/secure-env.sh && echo "$SECURE_CREDENTIALS_DIR")"
  kafka_note="local broker in secure mode: SASL_SSL, SCRAM-SHA-512, ACLs (stop it with: bash deploy/kafka/stop-secure.sh)"
  try_as='eval "$(bash deploy/kafka/client-env.sh samenloop-hub)"; SAMENLOOP_PARTNER_CREDENTIALS_DIR='"$SAMENLOOP_PARTNER_CREDENTIALS_DIR"' '
elif [ "${SAMENLOOP_KAFKA_MODE:-plaintext}" != plaintext ]; then
  echo "samenloop: SAMENLOOP_KAFKA_MODE must be plaintext (default) or secure, not '${SAMENLOOP_KAFKA_MODE}'" >&2
  exit 2
elif [ -z "${KAFKA_BROKERS:-}" ]; then
  bash deploy/kafka/start.sh
  export KAFKA_BROKERS="127.0.0.1:${KAFKA_PORT:-19092}"
  kafka_note="local broker from deploy/kafka (stop it with: npm run kafka:stop)"
else
  kafka_note="from KAFKA_BROKERS"
fi

# Private keys live outside the repository; the pins of partners' keys beside (never inside) them.
export SAMENLOOP_KEYS_DIR="${SAMENLOOP_KEYS_DIR:-$HOME/.local/state/samenloop/keys}"
export SAMENLOOP_PARTNER_KEYS_FILE="${SAMENLOOP_PARTNER_KEYS_FILE:-$(dirname "$SAMENLOOP_KEYS_DIR")/partner-keys.yaml}"
node bin/samenloop.js keys generate --dir "$SAMENLOOP_KEYS_DIR" --pins "$SAMENLOOP_PARTNER_KEYS_FILE"
npx nest build gateway
npx nest build connector

export GATEWAY_HTTP_PORT="${GATEWAY_HTTP_PORT:-3000}"
mkdir -p .samenloop
log=.samenloop/gateway.log
node dist/apps/gateway/main.js >"$log" 2>&1 &
gateway=$!
children=("$gateway")
trap 'kill -TERM "${children[@]}" 2>/dev/null; wait "${children[@]}"' INT TERM

# Waits until <url> answers 200, or says why not. With <tls dir> (a connector's, mTLS) it checks the
# server against <tls dir>/ca.pem and shows the case system's client certificate, as mTLS requires.
wait_healthy() { # <name> <pid> <log> <url> [tls dir]
  local probe="fetch('$4').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
  [ -z "${5:-}" ] || probe="const fs = require('node:fs');
    require('node:https').get('$4', { ca: fs.readFileSync('$5/ca.pem'), cert: fs.readFileSync('$5/case-system.pem'), key: fs.readFileSync('$5/case-system.key') },
      (r) => process.exit(r.statusCode === 200 ? 0 : 1)).on('error', () => process.exit(1))"
  for _ in $(seq 1 120); do
    node -e "$probe" && return 0
    kill -0 "$2" 2>/dev/null || { echo "samenloop: the $1 stopped; its log:" >&2; tail -n 40 "$3" >&2; exit 1; }
    sleep 0.5
  done
  echo "samenloop: the $1 did not become healthy within a minute; its log: $3" >&2
  exit 1
}
health="http://127.0.0.1:${GATEWAY_HTTP_PORT}/health"
wait_healthy gateway "$gateway" "$log" "$health"

# One connector per partner, as each partner would run it in its own network: its own key, its own
# CA for the case system's client certificate (mTLS), its own port, its own file folders.
tls_dir=.samenloop/connector-tls
declare -A connector_port=([POLITIE-OB]="${CONNECTOR_POLITIE_PORT:-8441}" [VT-ZOB]="${CONNECTOR_VT_PORT:-8442}" [VT-BNO]="${CONNECTOR_VT_BNO_PORT:-8443}")
# The police drops CORV-style XML zorgmeldingen and ZSM verdachtenmonitor extracts; VT-ZOB drops
# its exports and receives its documents as JSON files, VT-BNO as XML files.
files=.samenloop/bestanden
declare -A connector_files=(
  [POLITIE-OB]="CONNECTOR_CORV_INBOX=$files/POLITIE-OB/corv-in CONNECTOR_ZSM_INBOX=$files/POLITIE-OB/zsm-in CONNECTOR_ZSM_COLUMN_MAP=deploy/zsm-kolommen/oost-brabant.yaml"
  [VT-ZOB]="CONNECTOR_EXPORT_INBOX=$files/VT-ZOB/export-in CONNECTOR_EXPORT_CSV_MAP=deploy/export-kolommen/vt-veiligheidsbeoordeling.yaml CONNECTOR_OUTBOX=$files/VT-ZOB/outbox CONNECTOR_OUTBOX_FORMAT=json"
  [VT-BNO]="CONNECTOR_OUTBOX=$files/VT-BNO/outbox CONNECTOR_OUTBOX_FORMAT=xml"
)
mkdir -p "$files"/POLITIE-OB/{corv-in,zsm-in} "$files"/VT-ZOB/{export-in,outbox} "$files"/VT-BNO/outbox
connector_flags=()
for partner in POLITIE-OB VT-ZOB VT-BNO; do
  bash deploy/local/connector-tls.sh "$tls_dir" "$partner"
  tls="$tls_dir/$partner"
  connector_log=".samenloop/connector-${partner,,}.log"
  (
    # On the secure broker a connector logs in as its partner, never as the hub.
    [ -z "$try_as" ] || eval "$(bash deploy/kafka/client-env.sh "$partner")"
    # shellcheck disable=SC2086 # the file settings are words without spaces
    CONNECTOR_PARTNER_ID="$partner" CONNECTOR_HTTP_PORT="${connector_port[$partner]}" \
      CONNECTOR_TLS_CERT_FILE="$tls/connector.pem" CONNECTOR_TLS_KEY_FILE="$tls/connector.key" \
      CONNECTOR_AUTH_MODE=mtls CONNECTOR_CLIENT_CA_FILE="$tls/ca.pem" \
      exec env ${connector_files[$partner]} node dist/apps/connector/main.js
  ) >"$connector_log" 2>&1 &
  children+=("$!")
  wait_healthy "$partner connector" "$!" "$connector_log" "https://127.0.0.1:${connector_port[$partner]}/health" "$tls"
  # The demo case goes through the police's and VT-ZOB's connectors; VT-BNO's only writes its outbox.
  [ "$partner" = VT-BNO ] || connector_flags+=(--connector "$partner=https://127.0.0.1:${connector_port[$partner]}")
done

cat <<INFO

Samenloop runs:
  Kafka             ${KAFKA_BROKERS}  (${kafka_note})
  policy gateway    health at ${health}; JSON logs in ${log}
  connectors        POLITIE-OB https://127.0.0.1:${connector_port[POLITIE-OB]}, VT-ZOB https://127.0.0.1:${connector_port[VT-ZOB]},
                    VT-BNO https://127.0.0.1:${connector_port[VT-BNO]}
                    (HTTP API of apps/connector; mTLS with ${tls_dir}/<PARTNER>/case-system.pem;
                    logs in .samenloop/connector-<partner>.log)
  file folders      ${files}/POLITIE-OB/corv-in (CORV-style XML zorgmeldingen), zsm-in (ZSM
                    verdachtenmonitor extracts, deploy/zsm-kolommen/oost-brabant.yaml);
                    ${files}/VT-ZOB/export-in (VT exports); ${files}/VT-ZOB/outbox (JSON),
                    ${files}/VT-BNO/outbox (XML): what the hub sent them. A handled file moves to
                    processed/ or error/ (with a .report.txt) inside its inbox.
  partners          deploy/partners/oost-brabant.yaml, keys in ${SAMENLOOP_KEYS_DIR},
                    key fingerprints pinned in ${SAMENLOOP_PARTNER_KEYS_FILE}
  policy            deploy/policies (edit it: the gateway reloads it; a policy that does not load is refused)
  topics            samenloop.in.<partner>.v1 (submissions), samenloop.out.<partner>.v1 (deliveries),
                    samenloop.audit.v1, samenloop.deadletter.v1, samenloop.parked.v1 (no VT for the
                    municipality), samenloop.clock.v1 (ticks that raise ZSM and missing-zorgmelding alerts)
  operator          SAMENLOOP-BEHEER receives the hub's routing alerts; npx samenloop parked list

The demo case (deploy/demo): the suspect on the ZSM verdachtenmonitor and VT's veiligheidsbeoordeling
first, the police's zorgmelding later — at VT-ZOB in the same thread — then the OM's decision back to
VT, 3RO, RVDK and the police (the conditions it enforces), and VT's feedback to the police.
INFO
node bin/samenloop.js demo deploy/demo --connector-tls "$tls_dir" "${connector_flags[@]}"
cat <<INFO

The same case again as the files case systems export (deploy/samples, fresh references): the
morning's ZSM extract, VT-ZOB's exported veiligheidsbeoordeling, the police's CORV zorgmelding.
INFO
node bin/samenloop.js demo-files \
  --drop "deploy/samples/zsm/verdachtenmonitor-oost-brabant.csv=$files/POLITIE-OB/zsm-in" \
  --drop "deploy/samples/export/veiligheidsbeoordeling-vt-zob.json=$files/VT-ZOB/export-in" \
  --drop "deploy/samples/corv/zorgmelding-politie.xml=$files/POLITIE-OB/corv-in" \
  --outbox "$files/VT-ZOB/outbox" --outbox "$files/VT-BNO/outbox"
cat <<INFO

Try the connectors' HTTP API as the case systems would (README, "Partner connector"):
      curl --cacert ${tls_dir}/VT-ZOB/ca.pem --cert ${tls_dir}/VT-ZOB/case-system.pem \\
           --key ${tls_dir}/VT-ZOB/case-system.key https://127.0.0.1:${connector_port[VT-ZOB]}/v1/ontvangen
Or Kafka directly, as a partner with its own OpenPGP tooling would:
      ${try_as}npx samenloop partner send --as POLITIE-OB --fresh-id deploy/demo/3-zorgmelding-politie.json
      ${try_as}npx samenloop partner receive --as VT-ZOB
      npx samenloop policy explain deploy/demo/4-afdoeningsbeslissing-om.json --recipient VT-ZOB --case deploy/demo/1-verdachtenmonitor-entry-politie.json
Or drop a file as a case system that only exports files (copy it in under another name, then rename):
      npx samenloop demo-files --drop deploy/samples/corv/zorgmelding-politie.xml=${files}/POLITIE-OB/corv-in --outbox ${files}/VT-ZOB/outbox
Stop with Ctrl-C (the gateway finishes its in-flight messages first).
INFO
wait "${children[@]}"
