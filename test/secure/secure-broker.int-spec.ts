import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Kafka } from 'kafkajs';
import {
  consumeUntil,
  createTopics,
  produce,
  testKafka,
  uniqueName,
} from '../support/kafka-test-kit';
import { rotateScramPassword, secureClientEnvironment } from '../support/secure-broker';

/** Failures must show within seconds: one attempt, no retries. */
const ONE_ATTEMPT = { retries: 0 };
const WITHIN_SECONDS_MS = 10_000;

/**
 * A principal of this test alone: no ACL ever names it, and rotating its password disturbs no
 * other test's clients. The first rotation creates it.
 */
const SMOKE_PRINCIPAL = 'samenloop-smoke-test';

/** What the admin API answers `kafka`, or the names and messages of the error and its causes. */
async function describeClusterAs(
  kafka: Kafka,
): Promise<{ answered: true } | { answered: false; errors: { name: string; message: string }[] }> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.describeCluster();
    return { answered: true };
  } catch (error) {
    const errors: { name: string; message: string }[] = [];
    for (let cause: unknown = error; cause instanceof Error; cause = cause.cause)
      errors.push({ name: cause.name, message: cause.message });
    return { answered: false, errors };
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

async function refusedWithin(kafka: Kafka) {
  const started = Date.now();
  const outcome = await describeClusterAs(kafka);
  expect(Date.now() - started).toBeLessThan(WITHIN_SECONDS_MS);
  if (outcome.answered) throw new Error('the secure broker answered a client it should refuse');
  return outcome.errors;
}

describe('secure broker (SASL_SSL, SCRAM-SHA-512, ACLs)', () => {
  const admin = secureClientEnvironment('admin');
  beforeAll(() => rotateScramPassword(SMOKE_PRINCIPAL));

  it('lets admin create a topic, produce to it and consume from it over SASL_SSL', async () => {
    const kafka = testKafka('secure-smoke-admin', admin);
    const topic = uniqueName('secure-smoke');
    await createTopics(kafka, topic);

    await produce(kafka, topic, [{ key: 'k1', value: 'over TLS, authenticated' }]);

    const records = await consumeUntil(kafka, topic, (read) => read.length === 1, 30_000);
    expect(records.map(({ key, value }) => ({ key, value }))).toEqual([
      { key: 'k1', value: 'over TLS, authenticated' },
    ]);
  });

  it('drops a PLAINTEXT client on the SASL_SSL listener', async () => {
    const errors = await refusedWithin(
      testKafka('secure-smoke-plaintext', { KAFKA_BROKERS: admin.KAFKA_BROKERS }, ONE_ATTEMPT),
    );

    expect(errors.map(({ name }) => name)).toContain('KafkaJSConnectionClosedError');
  });

  it('drops a TLS client that does not authenticate with SASL', async () => {
    const tlsOnly = {
      KAFKA_BROKERS: admin.KAFKA_BROKERS!,
      KAFKA_SECURITY_PROTOCOL: 'SSL',
      KAFKA_SSL_CA_FILE: admin.KAFKA_SSL_CA_FILE!,
    };
    const errors = await refusedWithin(testKafka('secure-smoke-tls-only', tlsOnly, ONE_ATTEMPT));

    expect(errors.map(({ name }) => name)).toContain('KafkaJSConnectionClosedError');
    expect(errors.map(({ name }) => name)).not.toContain('KafkaJSSASLAuthenticationError');
  });

  it('refuses a wrong password as a failed SASL authentication', async () => {
    const { KAFKA_SASL_PASSWORD_FILE: _file, ...withoutPasswordFile } = admin;
    const wrongPassword = { ...withoutPasswordFile, KAFKA_SASL_PASSWORD: 'not-the-password' };

    const errors = await refusedWithin(testKafka('secure-smoke-wrong', wrongPassword, ONE_ATTEMPT));

    expect(errors[0]).toEqual({
      name: 'KafkaJSSASLAuthenticationError',
      message: expect.stringContaining('invalid credentials') as string,
    });
  });

  describe('with a CA that did not sign the broker certificate', () => {
    const directory = mkdtempSync(path.join(os.tmpdir(), 'samenloop-other-ca-'));
    afterAll(() => rmSync(directory, { recursive: true, force: true }));

    it('refuses the TLS connection before any credential is sent', async () => {
      const otherCa = path.join(directory, 'other-ca.pem');
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-days',
          '1',
          '-subj',
          '/CN=Not the Samenloop CA',
          '-keyout',
          path.join(directory, 'other-ca.key'),
          '-out',
          otherCa,
        ],
        { stdio: 'ignore' },
      );

      const errors = await refusedWithin(
        testKafka('secure-smoke-other-ca', { ...admin, KAFKA_SSL_CA_FILE: otherCa }, ONE_ATTEMPT),
      );

      expect(errors).toContainEqual({
        name: 'KafkaJSConnectionError',
        message: expect.stringMatching(/certificate/) as string,
      });
    });
  });

  it('authenticates a principal without ACLs, yet authorizes nothing it was not granted', async () => {
    const topic = uniqueName('secure-smoke');
    await createTopics(testKafka('secure-smoke-admin', admin), topic);
    const unauthorized = testKafka(
      'secure-smoke-unauthorized',
      secureClientEnvironment(SMOKE_PRINCIPAL),
      ONE_ATTEMPT,
    );

    expect(await describeClusterAs(unauthorized)).toEqual({ answered: true });
    const client = unauthorized.admin();
    await client.connect();
    try {
      await expect(client.fetchTopicMetadata({ topics: [topic] })).rejects.toMatchObject({
        name: 'KafkaJSProtocolError',
        type: 'TOPIC_AUTHORIZATION_FAILED',
      });
    } finally {
      await client.disconnect();
    }
  });

  it('accepts the new password after scram-user.sh rotates it, and refuses the old one', async () => {
    const before = testKafka(
      'secure-smoke-before',
      secureClientEnvironment(SMOKE_PRINCIPAL),
      ONE_ATTEMPT,
    );
    expect(await describeClusterAs(before)).toEqual({ answered: true });

    rotateScramPassword(SMOKE_PRINCIPAL);

    const after = testKafka(
      'secure-smoke-after',
      secureClientEnvironment(SMOKE_PRINCIPAL),
      ONE_ATTEMPT,
    );
    expect(await describeClusterAs(after)).toEqual({ answered: true });
    const errors = await refusedWithin(before);
    expect(errors[0]?.name).toBe('KafkaJSSASLAuthenticationError');
  });
});
