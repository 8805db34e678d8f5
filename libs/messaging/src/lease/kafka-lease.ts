import type { Consumer, Kafka } from 'kafkajs';
import type { Logger } from '@samenloop/observability';
import type { Lease, LeaseListener } from './lease';
import { stickyLeaseAssigner, type LeaseClaim } from './sticky-lease.assigner';

export interface KafkaLeaseOptions {
  readonly kafka: Kafka;
  readonly logger: Logger;
  /** The lease's own consumer group, apart from the pipeline's (see `hubLeaseGroup`). */
  readonly groupId: string;
  /** A topic of one partition: whichever member is assigned partition 0 holds the lease. */
  readonly topic: string;
  readonly instanceId: string;
  /** How long the group waits for a silent holder before a standby takes over. */
  readonly sessionTimeoutMs: number;
  readonly now?: () => number;
}

/**
 * The lease as a Kafka consumer group: every instance is a member, the member assigned the lease
 * topic's one partition holds it (`stickyLeaseAssigner`), and the group coordinator's session
 * timeout decides when a silent holder is gone. Nothing is ever written to the topic.
 */
export class KafkaLease implements Lease {
  private consumer: Consumer | undefined;
  private listener: LeaseListener | undefined;
  private heldSince: number | undefined;
  private recontending: Promise<void> | undefined;
  private readonly logger: Logger;
  private readonly now: () => number;

  constructor(private readonly options: KafkaLeaseOptions) {
    this.logger = options.logger.child({ component: 'lease', leaseGroup: options.groupId });
    this.now = options.now ?? Date.now;
  }

  /**
   * As far as the group has said: a holder paused past its session (GC, a frozen VM) learns it was
   * replaced only once its heartbeat is refused and it rejoins without the lease. Until then its
   * late commits are refused anyway: the successor's producer, with the same transactional id,
   * has fenced this one. Its own clock is no judge: a chunk keeping the event loop busy past the
   * session would then be dropped and handled again for ever, though nobody replaced it.
   */
  get held(): boolean {
    return this.heldSince !== undefined;
  }

  async start(listener: LeaseListener): Promise<void> {
    this.listener = listener;
    await this.join();
  }

  recontend(): Promise<void> {
    this.recontending ??= this.rejoin().finally(() => (this.recontending = undefined));
    return this.recontending;
  }

  private async rejoin(): Promise<void> {
    this.heldSince = undefined;
    const previous = this.consumer;
    this.consumer = undefined;
    await previous?.disconnect().catch(() => undefined);
    // The broker may be away: keep trying to rejoin for as long as the lease is wanted.
    while (this.listener && !this.consumer) {
      try {
        await this.join();
      } catch (error) {
        this.consumer = undefined;
        this.logger.warn(
          { errorClass: error instanceof Error ? error.name : 'Unknown' },
          'joining the lease group failed: trying again',
        );
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    }
  }

  async stop(): Promise<void> {
    this.listener = undefined;
    this.heldSince = undefined;
    const consumer = this.consumer;
    this.consumer = undefined;
    await consumer?.disconnect();
  }

  private async join(): Promise<void> {
    const { options } = this;
    const consumer = options.kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs,
      // A heartbeat goes out only after a fetch; an empty fetch waits `maxWaitTimeInMs`.
      heartbeatInterval: Math.floor(options.sessionTimeoutMs / 6),
      maxWaitTimeInMs: Math.min(500, Math.floor(options.sessionTimeoutMs / 6)),
      rebalanceTimeout: options.sessionTimeoutMs,
      partitionAssigners: [stickyLeaseAssigner(() => this.claim())],
    });
    this.consumer = consumer;
    const current = () => consumer === this.consumer;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      if (!current()) return;
      const holds = payload.memberAssignment[options.topic]?.includes(0) ?? false;
      if (holds && this.heldSince === undefined) {
        this.heldSince = this.now();
        this.logger.info({ instanceId: options.instanceId }, 'lease acquired');
        this.listener?.onAcquired();
      } else if (!holds && this.heldSince !== undefined) {
        this.lose('the lease group gave the lease to another member');
      }
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!current()) return;
      this.lose(`the lease consumer crashed: ${payload.error.name}`);
      // kafkajs restarts a consumer after a retriable crash itself; after any other, contend anew.
      if (!payload.restart) void this.recontend();
    });
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [options.topic] });
      await consumer.run({ eachMessage: () => Promise.resolve() });
    } catch (error) {
      await consumer.disconnect().catch(() => undefined);
      throw error;
    }
  }

  private claim(): LeaseClaim {
    return {
      instanceId: this.options.instanceId,
      ...(this.heldSince === undefined ? {} : { heldSince: this.heldSince }),
    };
  }

  private lose(reason: string): void {
    if (this.heldSince === undefined) return;
    this.heldSince = undefined;
    this.logger.warn({ instanceId: this.options.instanceId, reason }, 'lease lost');
    this.listener?.onLost(reason);
  }
}
