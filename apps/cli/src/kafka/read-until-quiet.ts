import type { Kafka, KafkaMessage } from 'kafkajs';

/**
 * Reads a topic in a consumer group until `idleMs` pass without a record (counted from joining the
 * group, which itself can take seconds) or `maxMs` in all. For command-line tools that show what is
 * there now; a service would keep consuming instead. Says which ended it: a tool that must have
 * read everything (an access request's answer) refuses to answer after `deadline`.
 */
export async function readUntilQuiet(
  kafka: Kafka,
  options: {
    readonly topic: string;
    readonly groupId: string;
    readonly idleMs: number;
    readonly maxMs: number;
    readonly each: (message: KafkaMessage, partition: number) => Promise<void>;
  },
): Promise<'quiet' | 'deadline'> {
  const consumer = kafka.consumer({ groupId: options.groupId });
  let idle: NodeJS.Timeout | undefined;
  let deadline: NodeJS.Timeout | undefined;
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: options.topic, fromBeginning: true });
    return await new Promise<'quiet' | 'deadline'>((resolve, reject) => {
      const quiet = () => resolve('quiet');
      consumer.on(consumer.events.GROUP_JOIN, () => {
        idle = setTimeout(quiet, options.idleMs);
      });
      deadline = setTimeout(() => resolve('deadline'), options.maxMs);
      consumer
        .run({
          eachMessage: async ({ message, partition }) => {
            clearTimeout(idle);
            await options.each(message, partition);
            idle = setTimeout(quiet, options.idleMs);
          },
        })
        .catch((error: unknown) =>
          reject(error instanceof Error ? error : new Error(String(error))),
        );
    });
  } finally {
    // Whichever timer ended the read, the other must not keep the process alive until it fires.
    clearTimeout(deadline);
    await consumer.disconnect().finally(() => clearTimeout(idle));
  }
}
