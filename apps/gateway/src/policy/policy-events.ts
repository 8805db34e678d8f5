import { randomUUID } from 'node:crypto';
import type { Kafka, Producer } from 'kafkajs';
import type { BeleidGeweigerd } from '@samenloop/contracts';
import { RECORD_MAC_HEADER, type RecordMac } from '@samenloop/crypto';
import {
  hubEventRecord,
  type OutboundRecord,
  type PolicyRefusedEvent,
  type PolicyWentLiveEvent,
  type TopicNames,
  type WithoutId,
} from '@samenloop/messaging';
import type { PolicyFileDigest, PolicyProblem } from '@samenloop/policy';
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

/** The audit record of a policy version that went live: what decided every later decision. */
export function policyVersionRecord(
  event: PolicyWentLiveEvent,
  auditTopic: string,
): OutboundRecord {
  const record = {
    kind: 'policy-version',
    auditId: randomUUID(),
    policyVersion: event.policyVersion,
    previousVersion: event.previousVersion,
    trigger: event.trigger,
    files: event.files.map(({ name, sha256 }) => ({ name, sha256 })),
    tests: { passed: event.testsPassed },
    changedBy: event.changedBy,
    instance: event.instance,
    activatedAt: event.activatedAt,
  };
  // One key for every version: they share a partition, so the audit holds them in the order they
  // went live (keyed by version, a reader could not tell which came first).
  return { topic: auditTopic, key: POLICY_VERSIONS_KEY, value: JSON.stringify(record) };
}

/** The audit key of every policy-version record. */
export const POLICY_VERSIONS_KEY = 'policy-versions';

/** The hub event of a version going live, for the pipeline to audit. */
export function policyWentLiveEvent(
  activation: PolicyActivation,
  instance: string,
): WithoutId<PolicyWentLiveEvent> {
  return {
    kind: 'policy-went-live',
    trigger: activation.trigger,
    policyVersion: activation.policyVersion,
    previousVersion: activation.previousVersion,
    files: activation.files.map(({ name, sha256 }) => ({ name, sha256 })),
    testsPassed: activation.testsPassed,
    changedBy: activation.changedBy,
    instance,
    activatedAt: activation.activatedAt.toISOString(),
  };
}

/** The hub event of a refusal: codes and file names; the details stay in the gateway's log. */
export function policyRefusedEvent(refusal: PolicyRefusal): WithoutId<PolicyRefusedEvent> {
  return {
    kind: 'policy-refused',
    ...(refusal.refusedVersion === undefined ? {} : { refusedVersion: refusal.refusedVersion }),
    keptVersion: refusal.keptVersion,
    files: refusal.files.map(({ name, sha256 }) => ({ name, sha256 })),
    problems: refusal.problems.map(({ code, file }) => ({
      code,
      ...(file === undefined ? {} : { file }),
    })),
    refusedAt: refusal.refusedAt.toISOString(),
  };
}

type ProblemCode = BeleidGeweigerd['problemen'][number]['code'];

/** The operator's alert about a refused policy: versions, file names and problem codes only. */
export function beleidGeweigerd(refusal: PolicyRefusedEvent): BeleidGeweigerd {
  const problems = new Map<string, BeleidGeweigerd['problemen'][number]>();
  for (const { code, file } of refusal.problems) {
    problems.set(`${code}\0${file ?? ''}`, {
      // A code the schema does not know fails the alert's own contract check when it is raised.
      code: code as ProblemCode,
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
    geweigerdOp: refusal.refusedAt,
  };
}

/**
 * Writes policy events as hub events: the pipeline, the audit's single writer, turns them into the
 * policy-version audit record and the beleid-geweigerd alert in its own transactions (see
 * `HubEventsHandler`). A reload happens outside the pipeline, so this feature has its own
 * idempotent producer; every send waits for all in-sync replicas (acks=-1).
 */
export class KafkaPolicyEvents implements PolicyEvents {
  private readonly producer: Producer;

  constructor(
    kafka: Kafka,
    private readonly options: {
      readonly topics: TopicNames;
      readonly instanceId: string;
      /** The hub's MAC on each event: the hub-events handler applies no other. */
      readonly mac: RecordMac;
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
    await this.send(policyWentLiveEvent(activation, this.options.instanceId));
  }

  async refused(refusal: PolicyRefusal): Promise<void> {
    await this.send(policyRefusedEvent(refusal));
  }

  private async send(event: WithoutId<PolicyWentLiveEvent | PolicyRefusedEvent>): Promise<void> {
    const record = hubEventRecord(this.options.topics, event);
    const { topic, key, value } = record;
    const headers = { [RECORD_MAC_HEADER]: this.options.mac.of(record) };
    await this.producer.send({ topic, acks: -1, messages: [{ key, value, headers }] });
  }
}
