import { randomUUID } from 'node:crypto';
import type { DataSubject } from '@samenloop/audit';
import {
  decryptAndVerify,
  signAndEncrypt,
  UnusableKeyError,
  type PgpPublicKey,
} from '@samenloop/crypto';
import type { OutboundRecord, TopicNames } from '@samenloop/messaging';
import type { Logger } from '@samenloop/observability';
import { KEY_PROBLEM_OF_KIND, type HubKeys } from '../keys/hub-keys';
import type { DecidedRecords } from '../routing/message-router';
import { encryptedHubRecord } from '../routing/outbound-record.factory';
import type { WaitingDeliveries, WaitingDelivery, WaitReason } from './waiting-deliveries';

/**
 * Waiting deliveries released per transaction: about a second of crypto on this kind of machine,
 * where a recipient's whole backlog (thousands after a day without a key) would outlast the
 * transaction timeout and fail for ever.
 */
export const RELEASE_BATCH = 100;

/** A delivery decided and built, not yet encrypted: what the hub keeps while its recipient has no key. */
export interface PreparedDelivery {
  readonly recipient: string;
  readonly deliveryId: string;
  readonly messageId: string;
  readonly topic: string;
  readonly key: string | null;
  readonly document: { readonly deliveredAt: string } & Record<string, unknown>;
  /** Whose data it holds, by pseudonym: its release is audited with them, like its decision. */
  readonly dataSubjects: readonly DataSubject[];
  readonly traceparent?: string;
}

/**
 * What the hub seals of a waiting delivery: all of it. Its ids are also kept beside it in the
 * clear (the state record's key and headers), but only the sealed ones are signed by the hub.
 */
type SealedDelivery = PreparedDelivery;

/** A waiting delivery sealed before it held its ids (or data subjects): those came from its headers. */
type EarlierSealedDelivery = Omit<
  SealedDelivery,
  'recipient' | 'deliveryId' | 'messageId' | 'dataSubjects'
> &
  Partial<SealedDelivery>;

/** What became of one delivery: sent (with any earlier ones released before it), or waiting. */
export interface Dispatched {
  readonly records: OutboundRecord[];
  readonly waiting?: WaitReason;
}

/** What sealing a decided message gives: the records to write, and who waits for a usable key. */
export interface Sealed {
  readonly records: OutboundRecord[];
  /** The deliveries kept waiting, by recipient, with why its key is not usable. */
  readonly waiting: ReadonlyMap<string, WaitReason>;
}

/** What a round of releases gave, and whether deliveries that could go out are still waiting. */
export interface Released {
  readonly records: OutboundRecord[];
  readonly more: boolean;
}

/**
 * Gets each delivery to its recipient encrypted to that recipient's key — or, while it has no
 * usable key (missing, expired, revoked), keeps it waiting, sealed for the hub alone, so that
 * nothing goes out in clear and no other recipient or later message waits with it. A waiting
 * delivery goes out once the key is usable: with the recipient's next delivery, which it precedes,
 * or at the next clock tick.
 */
export class DeliveryDispatcher {
  constructor(
    private readonly options: {
      readonly keys: HubKeys;
      readonly waiting: WaitingDeliveries;
      readonly topics: TopicNames;
      readonly hubSource: string;
      readonly logger: Logger;
    },
  ) {}

  /** A decided message's deliveries dispatched, followed by its audit records. */
  async seal({ deliveries, audits }: DecidedRecords, time: Date): Promise<Sealed> {
    // Together, though signAndEncrypt is synchronous native crypto: only key look-ups overlap.
    const dispatched = await Promise.all(
      deliveries.map(async (delivery) => ({
        recipient: delivery.recipient,
        ...(await this.dispatch(delivery, time)),
      })),
    );
    const waiting = new Map<string, WaitReason>();
    for (const { recipient, waiting: problem } of dispatched)
      if (problem) waiting.set(recipient, problem);
    return { records: [...dispatched.flatMap(({ records }) => records), ...audits], waiting };
  }

  private async dispatch(delivery: PreparedDelivery, time: Date): Promise<Dispatched> {
    // Keys are judged by the wall clock, as openpgp.js judges them when it encrypts.
    const state = await this.options.keys.partner(delivery.recipient, new Date());
    if (!state.usable) return this.hold(delivery, state.problem, time);
    const backlog = this.options.waiting.waitingFor(delivery.recipient);
    // Behind a long backlog it queues: the clock releases the backlog batch by batch, in order.
    if (backlog.length > RELEASE_BATCH)
      return this.hold(delivery, 'eerdere-leveringen-eerst', time);
    const savepoint = this.options.waiting.savepoint();
    try {
      const earlier = await this.release(backlog, state.key, time);
      return { records: [...earlier, await this.encrypted(delivery, state.key)] };
    } catch (error) {
      // The key expired or was found unusable between the check and its use: wait after all.
      if (!(error instanceof UnusableKeyError)) throw error;
      savepoint();
      return this.hold(delivery, KEY_PROBLEM_OF_KIND[error.kind], time);
    }
  }

  /**
   * Releases up to `RELEASE_BATCH` waiting deliveries, oldest first per recipient, of the
   * recipients whose key is usable now (a clock tick); `more` says whether such remain.
   */
  async releaseUsable(time: Date): Promise<Released> {
    const records: OutboundRecord[] = [];
    let budget = RELEASE_BATCH;
    let more = false;
    for (const recipient of this.options.waiting.recipients()) {
      const state = await this.options.keys.partner(recipient, new Date());
      if (!state.usable) continue;
      const backlog = this.options.waiting.waitingFor(recipient);
      more ||= backlog.length > budget;
      if (budget === 0) continue;
      const savepoint = this.options.waiting.savepoint();
      try {
        records.push(...(await this.release(backlog.slice(0, budget), state.key, time)));
        budget -= Math.min(budget, backlog.length);
      } catch (error) {
        if (!(error instanceof UnusableKeyError)) throw error;
        savepoint();
      }
    }
    return { records, more };
  }

  private async hold(
    delivery: PreparedDelivery,
    reason: WaitReason,
    time: Date,
  ): Promise<Dispatched> {
    const { hub, hubPublic } = this.options.keys;
    const sealed = await signAndEncrypt(
      new TextEncoder().encode(
        JSON.stringify({
          recipient: delivery.recipient,
          deliveryId: delivery.deliveryId,
          messageId: delivery.messageId,
          topic: delivery.topic,
          key: delivery.key,
          document: delivery.document,
          dataSubjects: delivery.dataSubjects,
          traceparent: delivery.traceparent,
        } satisfies SealedDelivery),
      ),
      { signingKey: hub, encryptionKeys: [hubPublic] },
    );
    const since = time.toISOString();
    this.options.waiting.hold({
      deliveryId: delivery.deliveryId,
      recipient: delivery.recipient,
      messageId: delivery.messageId,
      since,
      reason,
      sealed: Buffer.from(sealed),
    });
    this.options.logger.error(
      {
        alert: 'delivery-waiting-for-key',
        partner: delivery.recipient,
        messageId: delivery.messageId,
        deliveryId: delivery.deliveryId,
        reason,
      },
      reason === 'eerdere-leveringen-eerst'
        ? 'delivery queued behind the recipient’s earlier deliveries still being released'
        : 'no usable public key for recipient: its delivery waits until one is registered',
    );
    return {
      records: [
        this.audit({
          kind: 'delivery-waiting',
          deliveryId: delivery.deliveryId,
          messageId: delivery.messageId,
          recipient: delivery.recipient,
          reason,
          waitingSince: since,
        }),
      ],
      waiting: reason,
    };
  }

  /** Waiting deliveries of one recipient, in order, encrypted to its key now usable. */
  private async release(
    backlog: readonly WaitingDelivery[],
    key: PgpPublicKey,
    time: Date,
  ): Promise<OutboundRecord[]> {
    const records: OutboundRecord[] = [];
    for (const waiting of backlog) {
      const { recipient } = waiting;
      const delivery = await this.unsealed(waiting);
      if (!delivery) continue;
      records.push(
        await this.encrypted(
          { ...delivery, document: { ...delivery.document, deliveredAt: time.toISOString() } },
          key,
        ),
        this.audit({
          kind: 'delivery-released',
          deliveryId: waiting.deliveryId,
          messageId: waiting.messageId,
          recipient,
          keyFingerprint: key.fingerprint,
          waitingSince: waiting.since,
          releasedAt: time.toISOString(),
          dataSubjects: delivery.dataSubjects,
        }),
      );
      this.options.waiting.released(waiting.deliveryId);
      this.options.logger.info(
        { partner: recipient, messageId: waiting.messageId, deliveryId: waiting.deliveryId },
        'waiting delivery released',
      );
    }
    return records;
  }

  /** The delivery as sealed for the hub; undefined (and the operator alerted) when it no longer opens. */
  private async unsealed(waiting: WaitingDelivery): Promise<PreparedDelivery | undefined> {
    const { hub, hubPublic } = this.options.keys;
    try {
      const opened = await decryptAndVerify(new Uint8Array(waiting.sealed), {
        decryptionKey: hub,
        verificationKeys: [hubPublic],
      });
      if (!opened.signatureValid)
        throw new Error(`not signed by the hub (${opened.signatureFailure})`);
      const sealed = JSON.parse(
        new TextDecoder().decode(opened.plaintext),
      ) as EarlierSealedDelivery;
      const ids = {
        recipient: sealed.recipient ?? waiting.recipient,
        deliveryId: sealed.deliveryId ?? waiting.deliveryId,
        messageId: sealed.messageId ?? waiting.messageId,
      };
      if (
        ids.recipient !== waiting.recipient ||
        ids.deliveryId !== waiting.deliveryId ||
        ids.messageId !== waiting.messageId
      ) {
        this.alertAltered(waiting);
        return undefined;
      }
      // Sealed before the audit named data subjects: its decision record has none either.
      return { ...sealed, ...ids, dataSubjects: sealed.dataSubjects ?? [] };
    } catch (error) {
      // Kept waiting: a hub key restored from backup opens it again.
      this.options.logger.error(
        {
          alert: 'waiting-delivery-unreadable',
          partner: waiting.recipient,
          messageId: waiting.messageId,
          deliveryId: waiting.deliveryId,
          errorClass: error instanceof Error ? error.name : 'Unknown',
        },
        "a waiting delivery does not open with the hub's key: it stays waiting",
      );
      return undefined;
    }
  }

  /**
   * Another recipient, delivery or message in the state record than the hub sealed: someone other
   * than the hub wrote it (say, to send a delivery elsewhere). It is never released; it stays on
   * the topic, for the operator to find who writes there.
   */
  private alertAltered(waiting: WaitingDelivery): void {
    this.options.logger.error(
      {
        alert: 'waiting-delivery-altered',
        partner: waiting.recipient,
        messageId: waiting.messageId,
        deliveryId: waiting.deliveryId,
      },
      'a waiting delivery names other ids on the state topic than the hub sealed in it: it is never released',
    );
  }

  private encrypted(delivery: PreparedDelivery, key: PgpPublicKey): Promise<OutboundRecord> {
    return encryptedHubRecord({
      topic: delivery.topic,
      key: delivery.key,
      type: 'delivery',
      id: delivery.deliveryId,
      document: delivery.document,
      hubSource: this.options.hubSource,
      hubKey: this.options.keys.hub,
      recipientKey: key,
      time: new Date(delivery.document.deliveredAt),
      ...(delivery.traceparent ? { traceparent: delivery.traceparent } : {}),
    });
  }

  private audit(
    audit: { readonly kind: string; readonly messageId: string } & Record<
      string,
      string | readonly DataSubject[]
    >,
  ): OutboundRecord {
    return {
      topic: this.options.topics.audit,
      // Keyed like the message's decision records, so that they stay in order with them.
      key: audit.messageId,
      value: JSON.stringify({ ...audit, auditId: randomUUID() }),
    };
  }
}
