import { randomUUID } from 'node:crypto';
import type { Kafka, Producer } from 'kafkajs';
import type { BeleidGeweigerd } from '@samenloop/contracts';
import type { OutboundRecord, TopicNames } from '@samenloop/messaging';
import type { PolicyFileDigest, PolicyProblem } from '@samenloop/policy';
import type { HubAlerts } from '../alerts/hub-alerts';
import type { FileOwner } from './file-owner';

export type PolicyTrigger = 'start-up' | 'reload';

/** A policy version going live. */
export interface PolicyActivation {
  readonly trigger: PolicyTrigger;
  readonly policyVersion: string;
  /** The version it replaces; null at start-up. */
  readonly previousVersion: string | null;
  readonly files: readonly PolicyFileDigest[];
  readonly testsPassed: number;
  readonly changedBy: FileOwner | null;
  readonly activatedAt: Date;
}

/** A changed policy refused, the last good one kept. */
export interface PolicyRefusal {
  /** Unknown when the check could not finish. */
  readonly refusedVersion: string | undefined;
  readonly keptVersion: string;
  readonly files: readonly PolicyFileDigest[];
  readonly problems: readonly PolicyProblem[];
  readonly refusedAt: Date;
}

/** Where the policy holder reports each version that goes live and each change it refuses. */
export interface PolicyEvents {
  connect(): Promise<void>;
  wentLive(activation: PolicyActivation): Promise<void>;
  refused(refusal: PolicyRefusal): Promise<void>;
  disconnect(): Promise<void>;
}

/** A refused policy is about no case: nothing is known of one. */
const NO_CASE_FACTS = { domesticViolence: undefined, minorsInvolved: undefined };

/** The audit record of a policy version that went live: what decided every later decision. */
export function policyVersionRecord(
  activation: PolicyActivation,
  instance: string,
  auditTopic: string,
): OutboundRecord {
  const record = {
    kind: 'policy-version',
    auditId: randomUUID(),
    policyVersion: activation.policyVersion,
    previousVersion: activation.previousVersion,
    trigger: activation.trigger,
    files: activation.files.map(({ name, sha256 }) => ({ name, sha256 })),
    tests: { passed: activation.testsPassed },
    changedBy: activation.changedBy,
    instance,
    activatedAt: activation.activatedAt.toISOString(),
  };
  // One key for every version: they share a partition, so the audit holds them in the order they
  // went live (keyed by version, a reader could not tell which came first).
  return { topic: auditTopic, key: POLICY_VERSIONS_KEY, value: JSON.stringify(record) };
}

/** The audit key of every policy-version record. */
export const POLICY_VERSIONS_KEY = 'policy-versions';

/** The operator's alert about a refused policy: versions, file names and problem codes only. */
export function beleidGeweigerd(refusal: PolicyRefusal): BeleidGeweigerd {
  const problems = new Map<string, BeleidGeweigerd['problemen'][number]>();
  for (const { code, file } of refusal.problems) {
    problems.set(`${code}\0${file ?? ''}`, {
      code,
      ...(file === undefined ? {} : { bestand: file }),
    });
  }
  // A refusal always has a problem; the schema's bounds name 200 files and problems at most.
  const [first = { code: 'controle-mislukt' as const }, ...more] = [...problems.values()].slice(
    0,
    200,
  );
  return {
    ...(refusal.refusedVersion === undefined ? {} : { geweigerdeVersie: refusal.refusedVersion }),
    versieInGebruik: refusal.keptVersion,
    bestanden: refusal.files.map((file) => file.name).slice(0, 200),
    problemen: [first, ...more],
    geweigerdOp: refusal.refusedAt.toISOString(),
  };
}

/**
 * Writes policy events to Kafka: the policy-version audit record, and the beleid-geweigerd alert
 * delivered like any hub alert (decided by the policy in force, encrypted per recipient, audited).
 * A reload happens outside the consume pipeline and its transactions, so this feature has its own
 * idempotent producer; every send waits for all in-sync replicas (acks=-1).
 */
export class KafkaPolicyEvents implements PolicyEvents {
  private readonly producer: Producer;

  constructor(
    kafka: Kafka,
    private readonly options: {
      readonly topics: TopicNames;
      readonly alerts: HubAlerts;
      readonly instanceId: string;
    },
  ) {
    this.producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }

  async wentLive(activation: PolicyActivation): Promise<void> {
    const { instanceId, topics } = this.options;
    await this.send([policyVersionRecord(activation, instanceId, topics.audit)]);
  }

  async refused(refusal: PolicyRefusal): Promise<void> {
    const records = await this.options.alerts.raise(
      {
        type: 'nl.samenloop.beleid-geweigerd',
        payload: beleidGeweigerd(refusal),
        // About no case: the operator's rule grants the alert at every stage and asks no facts.
        stage: 'melding',
        facts: NO_CASE_FACTS,
      },
      refusal.refusedAt,
    );
    await this.send(records);
  }

  private async send(records: readonly OutboundRecord[]): Promise<void> {
    const byTopic = new Map<string, OutboundRecord[]>();
    for (const record of records)
      byTopic.set(record.topic, [...(byTopic.get(record.topic) ?? []), record]);
    await this.producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, messages]) => ({
        topic,
        messages: messages.map(({ key, value, headers }) => ({ key, value, headers })),
      })),
    });
  }
}
