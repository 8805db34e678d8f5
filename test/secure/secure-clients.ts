import { kafkaSecurityOptions } from '@samenloop/messaging';
import { Kafka, logLevel } from 'kafkajs';
import { clientSettingsFromEnvironment, testKafka } from '../support/kafka-test-kit';
import { runCli, type CliRun } from '../support/cli-process';
import { secureClientEnvironment } from '../support/secure-broker';

/** A partner's own client on the secure broker, built now: after a rotation it has the new password. */
export function partnerKafka(partnerId: string): Kafka {
  return testKafka(`test-${partnerId.toLowerCase()}`, secureClientEnvironment(partnerId));
}

/** A client as `principal`, and what the broker answered an attempt it made. */
export interface ObservedClient {
  readonly kafka: Kafka;
  /** The error codes of a failed attempt: on its error and in the client's log; [] if it worked. */
  refusal(attempt: () => Promise<unknown>): Promise<string[]>;
}

/**
 * A client as `principal` that notes the error codes the broker answered. kafkajs reports a
 * refused consumer group or transactional id only as "group coordinator not found"; the broker's
 * own code (GROUP_AUTHORIZATION_FAILED, …) is in its debug log, so it is taken from there.
 */
export function observedClient(principal: string): ObservedClient {
  const { brokers, connection } = clientSettingsFromEnvironment(secureClientEnvironment(principal));
  const answered: string[] = [];
  const kafka = new Kafka({
    clientId: `test-observed-${principal.toLowerCase()}`,
    brokers,
    ...kafkaSecurityOptions(connection),
    retry: { initialRetryTime: 100, maxRetryTime: 1_000, retries: 3 },
    logLevel: logLevel.DEBUG,
    logCreator:
      () =>
      ({ log }) => {
        answered.push(...errorTypes((log as { error?: unknown }).error));
      },
  });
  return {
    kafka,
    refusal: async (attempt) => {
      answered.length = 0;
      const thrown = await attempt().then(
        () => [],
        (error: unknown) => errorTypes(error),
      );
      return [...thrown, ...answered];
    },
  };
}

/** Joins `groupId` and reads `topic`; rejects with what stopped the consumer. */
export async function joinAndRead(kafka: Kafka, groupId: string, topic: string): Promise<void> {
  const consumer = kafka.consumer({ groupId, retry: { retries: 1 } });
  try {
    await consumer.connect();
    const outcome = new Promise<void>((resolve, reject) => {
      consumer.on(consumer.events.GROUP_JOIN, () => resolve());
      consumer.on(consumer.events.CRASH, ({ payload }) => reject(payload.error));
    });
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({ eachMessage: () => Promise.resolve() });
    await outcome;
  } finally {
    await consumer.disconnect();
  }
}

/** The kafkajs error types (`TOPIC_AUTHORIZATION_FAILED`) and names along an error's causes. */
export function errorTypes(error: unknown): string[] {
  const found: string[] = [];
  for (let current = error, depth = 0; current && depth < 10; depth++) {
    const { type, name, cause, originalError } = current as {
      type?: unknown;
      name?: unknown;
      cause?: unknown;
      originalError?: unknown;
    };
    if (typeof type === 'string') found.push(type);
    if (typeof name === 'string') found.push(name);
    current = cause ?? originalError;
  }
  return found;
}

/** `samenloop acl apply` as an operator runs it, as `principal` (the super user by default). */
export async function aclApply(
  settings: Record<string, string>,
  { principal = 'admin', dryRun = false }: { principal?: string; dryRun?: boolean } = {},
): Promise<CliRun> {
  return runCli(['acl', 'apply', ...(dryRun ? ['--dry-run'] : [])], {
    ...settings,
    ...secureClientEnvironment(principal),
  });
}
