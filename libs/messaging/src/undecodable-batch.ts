import { randomUUID } from 'node:crypto';
import {
  AssignerProtocol,
  type EachBatchPayload,
  type Kafka,
  type PartitionAssigner,
} from 'kafkajs';
import { probeGroupPrefix } from './client-ids';
import { UndecodableBatchError } from './compression';

/** The undecodable error behind a kafkajs crash: kafkajs wraps what a fetch threw as its `cause`. */
export function undecodableCause(error: unknown): UndecodableBatchError | undefined {
  for (let current = error, depth = 0; depth < 10; depth++) {
    if (current instanceof UndecodableBatchError) return current;
    if (typeof current !== 'object' || current === null || !('cause' in current)) return undefined;
    current = current.cause;
  }
  return undefined;
}

/** Where an undecodable batch sits: every offset from `firstOffset` to `lastOffset` is unreadable. */
export interface UndecodableBatch {
  readonly topic: string;
  readonly partition: number;
  /** The first offset the group could not read: the batch's base offset, or later if the group was inside it. */
  readonly firstOffset: string;
  /** The batch's last offset, as far as probing can tell (see `findBatchEnd`). */
  readonly lastOffset: string;
  readonly error: UndecodableBatchError;
}

export interface LocateOptions {
  readonly kafka: Kafka;
  /** The group whose committed offsets are stuck; probes use throwaway groups named after it. */
  readonly groupId: string;
  readonly topics: readonly string[];
  /**
   * Handles what the partition holds before the undecodable batch, so that skipping the batch
   * skips nothing else: kafkajs decodes a fetch whole, so the group never got to those records.
   */
  readonly eachBatch: (payload: EachBatchPayload) => Promise<void>;
  /** How long one probe may take, group join included (3 s of it by default on a broker). */
  readonly probeTimeoutMs?: number;
  /** Probes run side by side up to this many partitions at a time. */
  readonly concurrency?: number;
}

// kafkajs's consumer defaults, which the pipeline uses: a probe with them reads what the pipeline read.
const PIPELINE_FETCH = { maxBytesPerPartition: 1_048_576, maxBytes: 10_485_760 };
// Past the first batch of a fetch the broker stops at these limits, and before it (KIP-74) it
// returns that first batch whole: so each fetch holds exactly one batch, and a failure names it.
const ONE_BATCH_FETCH = { maxBytesPerPartition: 1, maxBytes: 1 };

/**
 * Finds the batch that crashed a consumer of `groupId`. A fetch that fails tells nothing of where,
 * so each partition with lag is read by a consumer of its own from the group's committed offset:
 * the one whose fetch fails holds the batch. That partition is then read one batch per fetch (its
 * records before the batch handled by `eachBatch`) until the fetch fails, and the batch's end is
 * where fetching from a later offset decodes again. Undefined when no partition fails (any more).
 */
export async function locateUndecodableBatch(
  options: LocateOptions,
): Promise<UndecodableBatch | undefined> {
  const lagging = await partitionsWithLag(options);
  const concurrency = options.concurrency ?? 8;
  let culprit: PartitionStart | undefined;
  for (let start = 0; start < lagging.length && !culprit; start += concurrency) {
    const probed = await Promise.all(
      lagging.slice(start, start + concurrency).map(async (candidate) => {
        const result = await probe(options, candidate, candidate.offset, {
          fetch: PIPELINE_FETCH,
          until: 'first-fetch',
        });
        return result.decodable ? undefined : candidate;
      }),
    );
    culprit = probed.find((candidate) => candidate !== undefined);
  }
  if (!culprit) return undefined;

  const walked = await probe(options, culprit, culprit.offset, {
    fetch: ONE_BATCH_FETCH,
    until: culprit.end,
    eachBatch: options.eachBatch,
  });
  if (walked.decodable) return undefined;
  const lastOffset = await findBatchEnd(options, culprit, walked.next);
  return {
    topic: culprit.topic,
    partition: culprit.partition,
    firstOffset: walked.next.toString(),
    lastOffset: lastOffset.toString(),
    error: walked.error,
  };
}

interface PartitionStart {
  readonly topic: string;
  readonly partition: number;
  /** Where the group reads next. */
  readonly offset: bigint;
  /** The partition's end when probing began (exclusive). */
  readonly end: bigint;
}

async function partitionsWithLag(options: LocateOptions): Promise<PartitionStart[]> {
  const admin = options.kafka.admin();
  await admin.connect();
  try {
    const committed = await admin.fetchOffsets({
      groupId: options.groupId,
      topics: [...options.topics],
    });
    const lagging: PartitionStart[] = [];
    for (const topic of options.topics) {
      const bounds = await admin.fetchTopicOffsets(topic);
      const group = committed.find((entry) => entry.topic === topic)?.partitions ?? [];
      for (const { partition, low, high } of bounds) {
        const at = BigInt(group.find((entry) => entry.partition === partition)?.offset ?? '-1');
        // No commit yet (-1), or one that retention has passed: the pipeline reads from the start.
        const offset = at < BigInt(low) ? BigInt(low) : at;
        if (offset < BigInt(high)) lagging.push({ topic, partition, offset, end: BigInt(high) });
      }
    }
    return lagging;
  } finally {
    await admin.disconnect();
  }
}

/**
 * A fetch from an offset returns the batch holding it, so a fetch from inside the undecodable
 * batch fails and one from past it decodes. From `first + 1` the distance doubles until a fetch
 * decodes, then halves back: a batch of n records costs about 2·log2(n) probes, one for a batch of
 * one. Only decodable fetches bound the end, so a decodable batch between two undecodable ones
 * close together could be counted into the range; the records stay on their topic either way.
 */
async function findBatchEnd(
  options: LocateOptions,
  partition: PartitionStart,
  first: bigint,
): Promise<bigint> {
  const decodesFrom = async (offset: bigint): Promise<boolean> =>
    offset >= partition.end ||
    (await probe(options, partition, offset, { fetch: ONE_BATCH_FETCH, until: 'first-fetch' }))
      .decodable;
  let failing = first;
  let step = 1n;
  let decoding = first + 1n;
  while (!(await decodesFrom(decoding))) {
    failing = decoding;
    step *= 2n;
    decoding = first + step < partition.end ? first + step : partition.end;
  }
  while (decoding - failing > 1n) {
    const middle = (failing + decoding) / 2n;
    if (await decodesFrom(middle)) decoding = middle;
    else failing = middle;
  }
  return decoding - 1n;
}

type ProbeResult =
  | { readonly decodable: true }
  | { readonly decodable: false; readonly next: bigint; readonly error: UndecodableBatchError };

/**
 * Reads one partition from `offset` with a consumer of its own (a throwaway group, read_committed,
 * nothing committed), until its first fetch is done or it has read up to `until`, or a fetch fails
 * to decode: then `next` is the offset that fetch started from.
 */
async function probe(
  options: LocateOptions,
  { topic, partition }: PartitionStart,
  offset: bigint,
  plan: {
    fetch: { maxBytesPerPartition: number; maxBytes: number };
    until: 'first-fetch' | bigint;
    eachBatch?: (payload: EachBatchPayload) => Promise<void>;
  },
): Promise<ProbeResult> {
  const groupId = `${probeGroupPrefix(options.groupId)}${randomUUID().slice(0, 8)}`;
  const timeoutMs = options.probeTimeoutMs ?? 60_000;
  const consumer = options.kafka.consumer({
    groupId,
    readUncommitted: false,
    partitionAssigners: [onlyPartition(topic, partition)],
    ...plan.fetch,
    maxWaitTimeInMs: 250,
    retry: { retries: 5, restartOnFailure: () => Promise.resolve(false) },
  });
  let next = offset;
  let timer: NodeJS.Timeout | undefined;
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic] });
    return await new Promise<ProbeResult>((resolve, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(
              `probing ${topic}/${partition} from offset ${offset} took longer than ${timeoutMs} ms`,
            ),
          ),
        timeoutMs,
      );
      const until = plan.until;
      if (until === 'first-fetch') {
        // kafkajs reports a fetch only once its whole response has decoded, empty or not.
        consumer.on(consumer.events.FETCH, () => resolve({ decodable: true }));
      } else {
        // Also fired for batches of control records or aborted ones only, which eachBatch never sees.
        consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
          next = BigInt(payload.lastOffset) + 1n;
          if (next >= until) resolve({ decodable: true });
        });
      }
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        const error = undecodableCause(payload.error);
        if (error) resolve({ decodable: false, next, error });
        else reject(payload.error);
      });
      consumer
        .run({
          autoCommit: false,
          eachBatchAutoResolve: plan.eachBatch === undefined,
          eachBatch: plan.eachBatch ?? (() => Promise.resolve()),
        })
        .catch(reject);
      // `run` has made the consumer's group state by now, before any fetch: the seek is used by
      // the first one (kafkajs's admin.setOffsets relies on the same).
      consumer.seek({ topic, partition, offset: offset.toString() });
    });
  } finally {
    clearTimeout(timer);
    await consumer.disconnect().catch(() => undefined);
    await deleteGroup(options.kafka, groupId);
  }
}

/** Probe groups commit nothing; deleting them keeps them out of the broker's group list at once. */
async function deleteGroup(kafka: Kafka, groupId: string): Promise<void> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.deleteGroups([groupId]);
  } catch {
    // An empty group without offsets expires on its own.
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Assigns the one partition to probe, and nothing else of its topic, to the probe's only member. */
function onlyPartition(topic: string, partition: number): PartitionAssigner {
  return () => ({
    name: 'SamenloopProbe',
    version: 1,
    protocol: ({ topics }) => ({
      name: 'SamenloopProbe',
      metadata: AssignerProtocol.MemberMetadata.encode({
        version: 1,
        topics,
        userData: Buffer.alloc(0),
      }),
    }),
    assign: ({ members }) =>
      Promise.resolve(
        members.map(({ memberId }, index) => ({
          memberId,
          memberAssignment: AssignerProtocol.MemberAssignment.encode({
            version: 1,
            assignment: index === 0 ? { [topic]: [partition] } : {},
            userData: Buffer.alloc(0),
          }),
        })),
      ),
  });
}
