import {
  GROUP_PREFIXES,
  hubLeaseGroup,
  partnerClientPrefix,
  probeGroupPrefix,
  topicNames,
} from '@samenloop/messaging';
import { allow, principalOf, type AclGrant, type AclOperation } from './acl-grant';

/** The SCRAM users of the hub's own processes; each partner's user is its registry id. */
export const HUB_USER = 'samenloop-hub';
export const OPERATOR_USER = 'samenloop-operator';
/** Kafka's super user: provisions users and ACLs, and is never governed by the registry. */
export const ADMIN_USER = 'admin';

/** One environment on a cluster: its topic namespace, its partners and its gateway's client ids. */
export interface AclEnvironment {
  readonly topicNamespace: string;
  readonly partnerIds: readonly string[];
  /** `GATEWAY_CONSUMER_GROUP` and its instances' shared transactional id. */
  readonly hub: { readonly consumerGroup: string; readonly transactionalId: string };
}

/**
 * Every ACL the partner registry grants in one environment. Topics are granted one by one
 * (LITERAL); PREFIXED only where a client makes up names as it goes: a partner's own groups and
 * transactional ids, its connector's own topics, and the one-off groups of the hub and the
 * operator tools.
 */
export function registryAcls(environment: AclEnvironment): AclGrant[] {
  return [
    ...environment.partnerIds.flatMap((partnerId) => partnerAcls(environment, partnerId)),
    ...hubAcls(environment),
    ...operatorAcls(environment),
  ];
}

/**
 * Partner P writes only its inbound topic and reads only its delivery topic. Its connector keeps
 * its state on topics of its own (`samenloop.connector.<p>.*`), which it creates and configures.
 */
function partnerAcls({ topicNamespace }: AclEnvironment, partnerId: string): AclGrant[] {
  const topics = topicNames(topicNamespace);
  const user = principalOf(partnerId);
  const prefix = partnerClientPrefix(partnerId);
  const connectorTopics = commonPrefix(Object.values(topics.connector(partnerId)));
  return [
    ...topicAcls(user, topics.inbound(partnerId), ['WRITE', 'DESCRIBE']),
    ...topicAcls(user, topics.delivery(partnerId), ['READ', 'DESCRIBE']),
    ...CONNECTOR_TOPIC_OPERATIONS.map((operation) =>
      allow(user, operation, 'TOPIC', connectorTopics, 'PREFIXED'),
    ),
    allow(user, 'READ', 'GROUP', prefix, 'PREFIXED'),
    allow(user, 'WRITE', 'TRANSACTIONAL_ID', prefix, 'PREFIXED'),
  ];
}

/**
 * What the gateway does, and nothing more: it creates its topics and keeps their configuration
 * (`ensureTopics`), consumes the inbound, clock and hub-event topics in its group and writes
 * deliveries, audit, dead letters, parked messages and state in its transactions; at start-up it
 * reads the audit chain heads and its compacted state back.
 */
function hubAcls({ topicNamespace, partnerIds, hub }: AclEnvironment): AclGrant[] {
  const topics = topicNames(topicNamespace);
  const user = principalOf(HUB_USER);
  const owned = (topic: string, use: readonly AclOperation[]) =>
    topicAcls(user, topic, [...use, 'DESCRIBE', 'CREATE', 'DESCRIBE_CONFIGS', 'ALTER_CONFIGS']);
  return [
    ...partnerIds.flatMap((partnerId) => [
      ...owned(topics.inbound(partnerId), ['READ']),
      ...owned(topics.delivery(partnerId), ['WRITE']),
    ]),
    ...owned(topics.audit, ['READ', 'WRITE']),
    ...owned(topics.deadLetter, ['WRITE']),
    ...owned(topics.parked, ['WRITE']),
    ...owned(topics.clock, ['READ', 'WRITE']),
    ...owned(topics.hubEvents, ['READ', 'WRITE']),
    ...owned(topics.caseState, ['READ', 'WRITE']),
    ...owned(topics.waitingDeliveries, ['READ', 'WRITE']),
    ...owned(topics.lease, ['READ']),
    allow(user, 'READ', 'GROUP', hub.consumerGroup),
    allow(user, 'READ', 'GROUP', hubLeaseGroup(hub.consumerGroup)),
    // Probe groups are deleted once they have found the undecodable batch.
    ...(['READ', 'DELETE'] as const).map((operation) =>
      allow(user, operation, 'GROUP', probeGroupPrefix(hub.consumerGroup), 'PREFIXED'),
    ),
    allow(user, 'READ', 'GROUP', GROUP_PREFIXES.stateRestore, 'PREFIXED'),
    allow(user, 'READ', 'GROUP', GROUP_PREFIXES.partitionRead, 'PREFIXED'),
    allow(user, 'WRITE', 'TRANSACTIONAL_ID', hub.transactionalId),
  ];
}

/**
 * The operator tools: `parked list` reads the parked topic and `parked release` submits a message
 * again on its sender's inbound topic (still signed by the sender, so the hub checks it as any
 * submission); `audit verify` and `audit who-received` read the audit, and an access request is
 * accounted for on the hub-events topic.
 */
function operatorAcls({ topicNamespace, partnerIds }: AclEnvironment): AclGrant[] {
  const topics = topicNames(topicNamespace);
  const user = principalOf(OPERATOR_USER);
  return [
    ...topicAcls(user, topics.parked, ['READ', 'DESCRIBE']),
    ...partnerIds.flatMap((partnerId) =>
      topicAcls(user, topics.inbound(partnerId), ['WRITE', 'DESCRIBE']),
    ),
    ...topicAcls(user, topics.audit, ['READ', 'DESCRIBE']),
    ...topicAcls(user, topics.hubEvents, ['WRITE', 'DESCRIBE']),
    allow(user, 'READ', 'GROUP', GROUP_PREFIXES.operator, 'PREFIXED'),
    allow(user, 'READ', 'GROUP', GROUP_PREFIXES.partitionRead, 'PREFIXED'),
  ];
}

/** What a connector does on its own topics: creates them, keeps them compacted, reads and writes. */
const CONNECTOR_TOPIC_OPERATIONS: readonly AclOperation[] = [
  'CREATE',
  'DESCRIBE',
  'DESCRIBE_CONFIGS',
  'ALTER_CONFIGS',
  'READ',
  'WRITE',
];

/** What every name starts with: `samenloop.connector.vt-zob.` for a connector's topics. */
function commonPrefix(names: readonly string[]): string {
  return names.reduce((prefix, name) => {
    let length = 0;
    while (length < prefix.length && prefix[length] === name[length]) length += 1;
    return prefix.slice(0, length);
  });
}

function topicAcls(user: string, topic: string, operations: readonly AclOperation[]): AclGrant[] {
  return operations.map((operation) => allow(user, operation, 'TOPIC', topic));
}
