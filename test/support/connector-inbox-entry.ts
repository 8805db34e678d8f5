// A test-only process running the connector's receiving side (InboxModule, StatusModule) with the
// test stand-ins of connector-inbox-app, so a test can SIGKILL it; the real connector's main.ts
// replaces it once it is wired. Reads: CONNECTOR_PARTNER_ID, SAMENLOOP_TOPIC_NAMESPACE,
// SAMENLOOP_KEYS_DIR, CONNECTOR_HTTP_PORT and KAFKA_BROKERS.
import 'reflect-metadata';
import { startInboxConnector } from './connector-inbox-app';
import { testKafka } from './kafka-test-kit';

async function main(): Promise<void> {
  const required = (name: string) => {
    const value = process.env[name];
    if (value === undefined) throw new Error(`${name} is not set`);
    return value;
  };
  const partnerId = required('CONNECTOR_PARTNER_ID');
  const connector = await startInboxConnector({
    partnerId,
    topicNamespace: required('SAMENLOOP_TOPIC_NAMESPACE'),
    keysDirectory: required('SAMENLOOP_KEYS_DIR'),
    kafka: testKafka(`connector-${partnerId}`),
    port: Number(required('CONNECTOR_HTTP_PORT')),
    logLevel: 'info',
  });
  process.once('SIGTERM', () => void connector.close().then(() => process.exit(0)));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
