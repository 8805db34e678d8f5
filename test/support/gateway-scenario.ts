import { HubSecret, keyFiles, RecordMac } from '@samenloop/crypto';
import { topicNames, type TopicNames } from '@samenloop/messaging';
import type { Kafka } from 'kafkajs';
import { clockTickRecord } from '../../apps/gateway/src/clock/clock-tick';
import { GatewayProcess } from './gateway-process';
import { createTopics, produce, uniqueName } from './kafka-test-kit';
import { PartnerKit, registry } from './partner-kit';

/** A gateway with its own topic namespace, consumer group and keys, so tests never see each other. */
export interface GatewayScenario {
  readonly topics: TopicNames;
  readonly group: string;
  readonly partners: PartnerKit;
  readonly settings: Record<string, string>;
  /** Another instance of the scenario's gateway group; `role` says what to wait for (see `GatewayProcess.start`). */
  startGateway(instanceId?: string, role?: 'active' | 'standby'): Promise<GatewayProcess>;
  /** Moves the hub's time to `now` with a tick as the hub's ticker writes it, MAC and all. */
  tick(now?: Date): Promise<void>;
  /** The MAC the hub puts on its own records (ticks, hub events), under this scenario's hub secret. */
  recordMac(): Promise<RecordMac>;
}

export async function newGatewayScenario(
  kafka: Kafka,
  extraSettings: Record<string, string> = {},
): Promise<GatewayScenario> {
  const namespace = uniqueName('t').replace('.', '-');
  const topics = topicNames(namespace);
  const group = `${namespace}-gateway`;
  const partners = await PartnerKit.create();
  // Created up front so test readers can subscribe before the gateway is up.
  await createTopics(
    kafka,
    ...registry.partners.flatMap((p) => [topics.inbound(p.id), topics.delivery(p.id)]),
    topics.audit,
    topics.deadLetter,
    topics.parked,
    topics.clock,
  );
  const settings = {
    SAMENLOOP_TOPIC_NAMESPACE: namespace,
    SAMENLOOP_KEYS_DIR: partners.keysDirectory,
    SAMENLOOP_PARTNER_KEYS_FILE: partners.partnerKeysFile,
    GATEWAY_CONSUMER_GROUP: group,
    GATEWAY_INSTANCE_ID: `${namespace}-gw`,
    // The broker's minimum, so a killed gateway's partitions move on quickly.
    GATEWAY_SESSION_TIMEOUT_MS: '6000',
    GATEWAY_LEASE_SESSION_TIMEOUT_MS: '6000',
    // Tests drive the hub's clock by writing ticks; the wall clock never raises an alarm here.
    GATEWAY_CLOCK_TICK_MS: '0',
    ...extraSettings,
  };
  // Read at each use: a test may replace the secret.
  const recordMac = async () => {
    const secret = await HubSecret.read(keyFiles.hubSecret(partners.keysDirectory));
    if (!secret) throw new Error(`no hub secret in ${partners.keysDirectory}`);
    return new RecordMac(secret);
  };
  return {
    topics,
    group,
    partners,
    settings,
    startGateway: async (instanceId = settings.GATEWAY_INSTANCE_ID, role = 'active') => {
      const gateway = await GatewayProcess.create({ ...settings, GATEWAY_INSTANCE_ID: instanceId });
      await gateway.start(undefined, role);
      return gateway;
    },
    tick: async (now = new Date()) => {
      const { key, value, headers } = clockTickRecord(await recordMac(), topics.clock, now);
      await produce(kafka, topics.clock, [{ key: String(key), value: String(value), headers }]);
    },
    recordMac,
  };
}
