import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { KafkaConnection } from '@samenloop/messaging';
import type { CliConnectionSettings } from '../cli-settings';

/**
 * The connection the partner simulator uses for one partner. On a secure cluster each partner is
 * its own principal and may touch only its own topics, so a simulator that speaks for several
 * partners (the demo) logs in as each of them: with `SAMENLOOP_PARTNER_CREDENTIALS_DIR` set, as
 * user `<ID>` with the password in `<dir>/<ID>.password` (the layout deploy/kafka's secure mode
 * writes), over the protocol, mechanism and CA the `KAFKA_*` settings name.
 */
export function partnerConnection(
  settings: Pick<CliConnectionSettings, 'connection' | 'partnerCredentialsDirectory'>,
  partnerId: string,
): KafkaConnection {
  const directory = settings.partnerCredentialsDirectory;
  if (directory === undefined) return settings.connection;
  const { sasl, securityProtocol } = settings.connection;
  if (sasl === undefined)
    throw new Error(
      `SAMENLOOP_PARTNER_CREDENTIALS_DIR is set, but KAFKA_SECURITY_PROTOCOL=${securityProtocol} ` +
        'uses no SASL login: set KAFKA_SECURITY_PROTOCOL=SASL_SSL with its KAFKA_SASL_* settings, or unset it',
    );
  const file = path.join(directory, `${partnerId}.password`);
  let password: string;
  try {
    password = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new Error(
      `no Kafka password for ${partnerId}: cannot read ${file} (${code}); ` +
        'SAMENLOOP_PARTNER_CREDENTIALS_DIR must hold one <ID>.password per partner',
    );
  }
  return { ...settings.connection, sasl: { ...sasl, username: partnerId, password } };
}
