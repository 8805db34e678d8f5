/**
 * The consumer-group and transactional-id names of the hub and its tools, in one place: on a
 * secure cluster each principal's ACLs grant exactly these names (see `samenloop acl apply`).
 */
export const GROUP_PREFIXES = Object.freeze({
  /** The gateway's one-off groups that read a compacted state topic back at start-up. */
  stateRestore: 'samenloop-restore-',
  /** One-off groups that read given offset ranges (the audit chain heads, `audit verify`). */
  partitionRead: 'samenloop-read-',
  /** The operator CLI's one-off groups (`parked`, `audit who-received`). */
  operator: 'samenloop-operator-',
});

/** The gateway's consumer group and instance id when `GATEWAY_CONSUMER_GROUP` and `GATEWAY_INSTANCE_ID` are unset. */
export const DEFAULT_GATEWAY_CONSUMER_GROUP = 'samenloop-gateway';
export const DEFAULT_GATEWAY_INSTANCE_ID = 'gateway-1';

/** The one-off groups that probe a pipeline group's partitions for an undecodable batch. */
export function probeGroupPrefix(groupId: string): string {
  return `${groupId}.probe.`;
}

/**
 * The gateway group's one transactional id, shared by its instances (one active, the others hot
 * standbys): whichever takes over fences every predecessor, a paused zombie included. kafkajs has
 * no KIP-447, so a transactional id per instance could not fence a zombie at all.
 */
export function hubTransactionalId(consumerGroup: string): string {
  return `${consumerGroup}.transactions`;
}

/** The consumer group of the gateway group's lease: its member assigned the lease topic holds it. */
export function hubLeaseGroup(consumerGroup: string): string {
  return `${consumerGroup}.lease`;
}

/**
 * A partner's own consumer groups and transactional ids all start with its id and a dot
 * (`VT-ZOB.ontvangst`): one PREFIXED grant covers every client it runs, and no other partner's.
 */
export function partnerClientPrefix(partnerId: string): string {
  return `${partnerId}.`;
}
