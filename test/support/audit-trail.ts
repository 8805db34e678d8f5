import type { ConsumedRecord } from './kafka-test-kit';

/** One decision about one recipient of one message, as the gateway audits it. */
export interface DecisionAudit {
  readonly kind: 'decision';
  readonly messageId: string;
  readonly messageType: string;
  readonly recipient: string;
  readonly level: string;
  readonly deliveryId: string | null;
  readonly ruleIds: readonly string[];
  readonly deliveredFields: readonly string[];
  readonly deliveredReferences: readonly string[];
  readonly policyVersion: string;
}

/** The audit topic also holds rejections and policy versions; these are its decisions. */
export function decisionAudits(records: readonly ConsumedRecord[]): DecisionAudit[] {
  return records
    .map((record) => JSON.parse(record.value ?? '') as { kind?: string })
    .filter((audit): audit is DecisionAudit => audit.kind === 'decision');
}
