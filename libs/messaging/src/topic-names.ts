/**
 * Every Kafka topic name Samenloop uses, in one place: `samenloop.<direction>.<partner>.v1`.
 * A namespace (e.g. `acceptatie`) prefixes them all, so several environments — or test runs — can
 * share one cluster without seeing each other's records.
 */
const VERSION = 'v1';

export interface TopicNames {
  /** Where a partner submits; only that partner may write here. */
  inbound(partnerId: string): string;
  /** Where a partner receives its deliveries, receipts and rejections. */
  delivery(partnerId: string): string;
  /** One record per (message, recipient) decision; append-only. */
  readonly audit: string;
  /** The hub's case state (threads, stages, seen message ids), compacted and rebuilt at start-up. */
  readonly caseState: string;
  /**
   * Deliveries waiting for their recipient's usable key, sealed for the hub alone; compacted, a
   * tombstone once delivered.
   */
  readonly waitingDeliveries: string;
  /** Records the hub could not accept, unchanged, with their failure context in headers. */
  readonly deadLetter: string;
  /** Valid messages the hub cannot route yet (no VT for the municipality), kept for release. */
  readonly parked: string;
  /** The hub's time: ticks that raise due case alarms. */
  readonly clock: string;
  /**
   * What happens to the hub outside its pipeline and must reach the audit (see `HubEvent`): the
   * pipeline reads it and writes the audit records, so the audit has one writer and one order.
   */
  readonly hubEvents: string;
  /** Empty, one partition: the gateway instance assigned it in the lease group is the active one. */
  readonly lease: string;
  /** A partner connector's own topics, in the partner's name: only its connector writes them. */
  connector(partnerId: string): ConnectorTopicNames;
}

/** What a partner's connector keeps on Kafka: sealed or ids only, never a value in clear. */
export interface ConnectorTopicNames {
  /** The submissions it made, by an HMAC of their Idempotency-Key; compacted. */
  readonly submissions: string;
  /** The hub documents it accepted from the delivery topic, still sealed, in order: the cursor's log. */
  readonly inbox: string;
  /** Which inbox documents the case system acknowledged; compacted, keyed by document id. */
  readonly acknowledgements: string;
  /** Records of the delivery topic it could not accept, with their failure context. */
  readonly deadLetter: string;
  /**
   * What its file adapters sent per extract row identity (e.g. a ZSM case id), by HMACs of the
   * identity and the row; compacted, written in the transaction of the submission it records.
   */
  readonly extractRows: string;
}

/** What every topic name of a namespace starts with, the dot included. */
export function topicPrefix(namespace = ''): string {
  return namespace === '' ? 'samenloop.' : `${namespace}.samenloop.`;
}

/** Whether a topic is Samenloop's in some namespace (`samenloop.…` or `<namespace>.samenloop.…`). */
export function isSamenloopTopic(topic: string): boolean {
  return /^([a-z0-9][a-z0-9-]*\.)?samenloop\./.test(topic);
}

export function topicNames(namespace = ''): TopicNames {
  const prefix = topicPrefix(namespace).slice(0, -1);
  return Object.freeze({
    inbound: (partnerId: string) => `${prefix}.in.${partnerId.toLowerCase()}.${VERSION}`,
    delivery: (partnerId: string) => `${prefix}.out.${partnerId.toLowerCase()}.${VERSION}`,
    audit: `${prefix}.audit.${VERSION}`,
    caseState: `${prefix}.state.cases.${VERSION}`,
    waitingDeliveries: `${prefix}.state.waiting-deliveries.${VERSION}`,
    deadLetter: `${prefix}.deadletter.${VERSION}`,
    parked: `${prefix}.parked.${VERSION}`,
    clock: `${prefix}.clock.${VERSION}`,
    hubEvents: `${prefix}.hub-events.${VERSION}`,
    lease: `${prefix}.lease.${VERSION}`,
    connector: (partnerId: string) => {
      const connector = `${prefix}.connector.${partnerId.toLowerCase()}`;
      return Object.freeze({
        submissions: `${connector}.submissions.${VERSION}`,
        inbox: `${connector}.inbox.${VERSION}`,
        acknowledgements: `${connector}.acknowledgements.${VERSION}`,
        deadLetter: `${connector}.deadletter.${VERSION}`,
        extractRows: `${connector}.extract-rows.${VERSION}`,
      });
    },
  });
}
