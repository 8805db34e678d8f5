import { randomUUID } from 'node:crypto';
import type { CaseRecord } from '@samenloop/case';
import type { OutboundRecord } from '@samenloop/messaging';
import type { DecidedInCase } from '@samenloop/policy';
import type { RoutedMessage } from '../../routing/routed-message';

/** A correction changes what later decisions rest on: the audit says which facts and by whom. */
export function correctionAudit(
  auditTopic: string,
  message: RoutedMessage,
  caseRecord: CaseRecord,
  decision: DecidedInCase,
  time: Date,
): OutboundRecord {
  const audit = {
    kind: 'facts-corrected',
    auditId: randomUUID(),
    messageId: message.id,
    messageType: message.type,
    caseKey: caseRecord.caseKey,
    stage: caseRecord.stage,
    sender: message.sender.id,
    retracted: decision.retractions.map((retraction) =>
      retraction.fact === 'gemeentecodes'
        ? `gemeentecodes/${retraction.gemeentecode}`
        : retraction.fact,
    ),
    decidedAt: time.toISOString(),
  };
  return { topic: auditTopic, key: message.id, value: JSON.stringify(audit) };
}
