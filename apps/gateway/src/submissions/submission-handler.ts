import { randomUUID } from 'node:crypto';
import { alarmsAfter, type AlarmSettings, type CaseLedger, type CaseRecord } from '@samenloop/case';
import type { ContractValidator, Submission } from '@samenloop/contracts';
import { verifyDetached, type PgpPublicKey } from '@samenloop/crypto';
import {
  toDeadLetter,
  toParked,
  PoisonRecordError,
  type InboundRecord,
  type OutboundRecord,
  type TopicNames,
} from '@samenloop/messaging';
import type { Logger } from '@samenloop/observability';
import type { Partner, PartnerRegistry } from '@samenloop/partners';
import {
  acceptInCase,
  caseMessageOf,
  decideInCase,
  type DecidedInCase,
  type ParkingReason,
  type Policy,
  type RecipientDecision,
} from '@samenloop/policy';
import type { HubAlerts } from '../alerts/hub-alerts';
import type { HubKeys } from '../routing/hub-keys';
import { MessageRouter, type Delivered, type Routing } from '../routing/message-router';
import { encryptedHubRecord } from '../routing/outbound-record.factory';
import type { RoutedMessage } from '../routing/routed-message';
import { rejectionAudit } from './rejection-audit';
import { fromContractErrors, type RejectionReason } from './rejection-reason';

/** The Kafka header that carries the sender's OpenPGP detached signature over the record value. */
export const SIGNATURE_HEADER = 'samenloop-signature';

export interface SubmissionHandlerOptions {
  readonly registry: PartnerRegistry;
  readonly validator: ContractValidator;
  readonly ledger: CaseLedger;
  /** The policy in force now; a hot reload swaps what this returns. */
  readonly policy: () => Policy;
  readonly router: MessageRouter;
  readonly alerts: HubAlerts;
  readonly alarmSettings: AlarmSettings;
  readonly keys: HubKeys;
  /** The hub's CloudEvents source, `urn:nld:oin:<OIN>:systeem:samenloop`. */
  readonly hubSource: string;
  readonly maxMessageBytes: number;
  readonly topics: TopicNames;
  readonly logger: Logger;
  readonly now?: () => Date;
}

/** Thrown inside the handler to turn a submission into a rejection; never leaves it. */
class Rejected extends Error {
  constructor(
    readonly step: string,
    readonly reasons: readonly RejectionReason[],
    readonly messageId?: string,
    /** Whether the sender's signature was verified: only then is the rejection audited. */
    readonly senderVerified = true,
  ) {
    super(reasons.map((reason) => reason.message).join('; '));
  }
}

/**
 * One submission from a partner's inbound topic: verify → validate → drop duplicates → case and
 * stage → decide per recipient → project → sign and encrypt → deliveries, audit records, receipt.
 * Anything wrong with the submission becomes a rejection to the sender plus a dead letter; nothing
 * reaches a recipient then. All records are written in the pipeline's transaction.
 */
export class SubmissionHandler {
  private readonly senderByTopic: ReadonlyMap<string, Partner>;
  private readonly now: () => Date;

  constructor(private readonly options: SubmissionHandlerOptions) {
    this.senderByTopic = new Map(
      options.registry.partners.map((partner) => [options.topics.inbound(partner.id), partner]),
    );
    this.now = options.now ?? (() => new Date());
  }

  readonly handle = async (record: InboundRecord): Promise<readonly OutboundRecord[]> => {
    const sender = this.senderByTopic.get(record.topic);
    if (!sender)
      throw new PoisonRecordError(`topic ${record.topic} belongs to no partner`, 'route');
    try {
      return await this.accept(record, sender);
    } catch (error) {
      if (!(error instanceof Rejected)) throw error;
      return this.reject(record, sender, error);
    }
  };

  private async accept(record: InboundRecord, sender: Partner): Promise<OutboundRecord[]> {
    const value = record.value ?? Buffer.alloc(0);
    if (value.length > this.options.maxMessageBytes) {
      throw new Rejected(
        'size',
        [
          {
            code: 'too-large',
            message: `the message is ${value.length} bytes; the maximum is ${this.options.maxMessageBytes}`,
          },
        ],
        undefined,
        false,
      );
    }
    await this.verifySignature(value, record, sender);
    const validation = this.options.validator.validateSubmissionJson(value.toString('utf8'));
    if (!validation.ok)
      throw new Rejected('validate', fromContractErrors(validation.errors), messageIdOf(value));
    const submission = validation.value;
    const messageId = submission.envelope.id;
    if (!submission.envelope.source.startsWith(`urn:nld:oin:${sender.oin}`)) {
      throw new Rejected(
        'authorise',
        [
          {
            code: 'wrong-topic',
            path: '/source',
            message: `source names another organisation than ${sender.id}, whose topic this is; submit on your own topic`,
          },
        ],
        messageId,
      );
    }
    const senders = this.options.validator.sendersOf(submission.messageType);
    if (!senders.includes(sender.kind)) {
      throw new Rejected(
        'authorise',
        [
          {
            code: 'sender-not-allowed',
            path: '/type',
            message: `a ${sender.kind} partner may not send ${submission.messageType}; it is sent by ${senders.join(' or ')}`,
          },
        ],
        messageId,
      );
    }
    if (this.options.ledger.caseOfMessage(messageId)) {
      throw new Rejected(
        'deduplicate',
        [
          {
            code: 'duplicate',
            path: '/id',
            message: 'this message id was accepted before; it is not delivered again',
          },
        ],
        messageId,
      );
    }
    // If routing fails half-way, the case state it staged must not outlive it.
    const rollback = this.options.ledger.savepoint();
    try {
      return await this.route(record, submission, sender);
    } catch (error) {
      rollback();
      throw error;
    }
  }

  private async verifySignature(
    value: Buffer,
    record: InboundRecord,
    sender: Partner,
  ): Promise<void> {
    const header = record.headers[SIGNATURE_HEADER];
    const signature = Array.isArray(header) ? header[0] : header;
    if (signature === undefined) {
      throw new Rejected(
        'verify-signature',
        [
          {
            code: 'missing-signature',
            message: `no OpenPGP detached signature in the ${SIGNATURE_HEADER} header`,
          },
        ],
        undefined,
        false,
      );
    }
    const senderKey = await this.options.keys.partner(sender.id);
    if (!senderKey)
      throw new Rejected(
        'verify-signature',
        [{ code: 'unknown-sender', message: `no public key is registered for ${sender.id}` }],
        undefined,
        false,
      );
    const check = await verifyDetached(
      value,
      typeof signature === 'string' ? signature : new Uint8Array(signature),
      [senderKey],
    );
    if (!check.valid) {
      throw new Rejected(
        'verify-signature',
        [
          {
            code: 'invalid-signature',
            message: `the signature is not a valid signature by ${sender.id}'s registered key over this record value (${check.reason})`,
          },
        ],
        undefined,
        false,
      );
    }
  }

  private async route(
    record: InboundRecord,
    submission: Submission,
    sender: Partner,
  ): Promise<OutboundRecord[]> {
    const { envelope } = submission;
    const { ledger } = this.options;
    const message = routedMessageOf(submission, sender);
    const inCase = caseMessageOf(submission, sender);
    const decision = decideInCase(
      { ledger, policy: this.options.policy(), registry: this.options.registry },
      inCase,
    );
    if (decision.outcome === 'rejected')
      throw new Rejected('stage', [{ code: decision.code, message: decision.reason }], envelope.id);
    const routing: Routing = {
      decisions: decision.decisions,
      policyVersion: decision.policyVersion,
      stage: decision.stage,
    };
    const time = this.now();
    if (decision.parking)
      return this.park(record, message, routing, decision, decision.parking, time);

    const delivered = MessageRouter.deliveriesOf(routing);
    const caseRecord = acceptInCase(ledger, inCase, decision, delivered);
    const records: OutboundRecord[] = [
      ...(await this.conflictAlert(message, caseRecord, decision, time)),
    ];
    if (decision.retractions.length > 0)
      records.push(this.correctionAudit(message, caseRecord, decision, time));
    const existing = decision.existing;
    ledger.updateAlarms(caseRecord.caseKey, (alarms) =>
      alarmsAfter(
        alarms,
        {
          messageType: submission.messageType,
          senderKind: sender.kind,
          acceptedAt: time,
          stage: caseRecord.stage,
          domesticViolence: caseRecord.facts.domesticViolence,
          zorgmeldingReceived: existing?.received.includes('nl.samenloop.zorgmelding') ?? false,
          arrest: arrestOf(submission),
          reachedOm: delivered.some(
            (delivery) =>
              delivery.decision.recipient.kind === 'OM' && delivery.decision.level === 'inhoud',
          ),
        },
        this.options.alarmSettings,
      ),
    );
    const [shared, receipt] = await Promise.all([
      this.options.router.seal(message, routing, caseRecord, delivered, time),
      this.receipt(submission, sender, record, time, routing.decisions, delivered, caseRecord),
    ]);
    records.push(...shared, receipt);
    this.options.logger.info(
      {
        messageId: envelope.id,
        caseKey: caseRecord.caseKey,
        stage: caseRecord.stage,
        delivered: delivered.map((delivery) => delivery.recipient),
      },
      'submission routed',
    );
    return records;
  }

  /**
   * The operator hears of a message that claims separate threads are one case, or that names a
   * household municipality the thread did not know (both VTs' rules then apply): never silently.
   */
  private async conflictAlert(
    message: RoutedMessage,
    caseRecord: CaseRecord & { readonly conflictingCaseKeys: readonly string[] },
    decision: DecidedInCase,
    time: Date,
  ): Promise<OutboundRecord[]> {
    const [firstConflict, ...otherConflicts] = caseRecord.conflictingCaseKeys;
    const [firstNew, ...otherNew] = decision.newMunicipalities;
    const [firstKnown, ...otherKnown] = decision.existing?.facts.gemeentecodes ?? [];
    if (firstConflict === undefined && firstNew === undefined) return [];
    return this.options.alerts.raise(
      {
        type: 'nl.samenloop.koppeling-conflict',
        payload: {
          messageId: message.id,
          messageType: message.type,
          afzender: message.sender.id,
          caseKey: caseRecord.caseKey,
          ...(firstConflict !== undefined
            ? { conflicterendeCaseKeys: [firstConflict, ...otherConflicts] }
            : {}),
          ...(firstNew !== undefined && firstKnown !== undefined
            ? {
                bekendeGemeentecodes: [firstKnown, ...otherKnown],
                nieuweGemeentecodes: [firstNew, ...otherNew],
              }
            : {}),
          gevondenOp: time.toISOString(),
        },
        caseRecord,
        stage: caseRecord.stage,
        facts: decision.facts,
        traceparent: message.traceparent,
      },
      time,
    );
  }

  /** A correction changes what later decisions rest on: the audit says which facts and by whom. */
  private correctionAudit(
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
    return { topic: this.options.topics.audit, key: message.id, value: JSON.stringify(audit) };
  }

  /**
   * Keeps the message on the parked topic, unchanged, delivers nothing of it, alerts the operator
   * and tells the sender that it is held: it is not lost and need not be sent again.
   */
  private async park(
    record: InboundRecord,
    message: RoutedMessage,
    routing: Routing,
    decision: DecidedInCase,
    reason: ParkingReason,
    time: Date,
  ): Promise<OutboundRecord[]> {
    const { facts } = decision;
    const unserved = (facts.gemeentecodes ?? []).find((code) => !this.options.registry.vtFor(code));
    const parked = toParked(
      record,
      {
        messageId: message.id,
        messageType: message.type,
        sender: message.sender.id,
        reason,
        parkedAt: time,
      },
      this.options.topics.parked,
    );
    const alert = await this.options.alerts.raise(
      {
        type: 'nl.samenloop.routering-geparkeerd',
        payload: {
          messageId: message.id,
          messageType: message.type,
          afzender: message.sender.id,
          reden: reason,
          ...(reason === 'gemeente-onbekend' && unserved ? { gemeentecode: unserved } : {}),
          geparkeerdOp: time.toISOString(),
          parkeerplaats: {
            topic: record.topic,
            partition: record.partition,
            offset: record.offset,
          },
        },
        stage: routing.stage,
        facts,
        traceparent: message.traceparent,
      },
      time,
    );
    const explanation =
      reason === 'gemeente-ontbreekt'
        ? "the household's municipality (gemeentecode) is missing, so the hub cannot tell which Veilig Thuis serves it"
        : "no Veilig Thuis in the partner registry serves the household's municipality";
    const receipt = await this.answer(
      message.sender,
      record,
      'receipt',
      {
        receiptId: randomUUID(),
        messageId: message.id,
        acceptedAt: time.toISOString(),
        deliveredTo: [],
        withheldFrom: [],
        geparkeerd: {
          reden: reason,
          toelichting: `Parked, not delivered to anyone yet: ${explanation}. The hub operator has been alerted and releases it once it can be routed; you need not send it again.`,
        },
      },
      await this.options.router.recipientKey(message.sender.id, message.id),
      time,
      message.traceparent,
    );
    this.options.logger.warn(
      { alert: 'message-parked', messageId: message.id, sender: message.sender.id, reason },
      'message parked: no Veilig Thuis can be determined for it',
    );
    return [parked, ...alert, receipt];
  }

  private async receipt(
    submission: Submission,
    sender: Partner,
    record: InboundRecord,
    time: Date,
    decisions: readonly RecipientDecision[],
    delivered: readonly Delivered[],
    caseRecord: CaseRecord,
  ): Promise<OutboundRecord> {
    const document = {
      receiptId: randomUUID(),
      messageId: submission.envelope.id,
      acceptedAt: time.toISOString(),
      caseKey: caseRecord.caseKey,
      fase: caseRecord.stage,
      deliveredTo: delivered.map(({ recipient, deliveryId, decision }) => ({
        recipient,
        deliveryId,
        niveau: decision.level as 'inhoud' | 'notificatie',
        ruleIds: decision.rules.map((rule) => rule.id),
        withheldFields: decision.withheldFields.map((field) => field.path),
      })),
      withheldFrom: decisions
        .filter((decision) => decision.level === 'geen')
        .map((decision) => ({
          recipient: decision.recipient.id,
          reason: (decision.reason ?? 'no rule applies').slice(0, 2000),
        })),
    };
    return this.answer(
      sender,
      record,
      'receipt',
      document,
      await this.options.router.recipientKey(sender.id, submission.envelope.id),
      time,
      submission.envelope.traceparent,
    );
  }

  private async reject(
    record: InboundRecord,
    sender: Partner,
    rejection: Rejected,
  ): Promise<OutboundRecord[]> {
    const time = this.now();
    const deadLetter = toDeadLetter(
      record,
      new PoisonRecordError(rejection.message.slice(0, 1000), rejection.step),
      this.options.topics.deadLetter,
      time,
    );
    this.options.logger.warn(
      {
        topic: record.topic,
        partition: record.partition,
        offset: record.offset,
        sender: sender.id,
        step: rejection.step,
        codes: rejection.reasons.map((r) => r.code),
      },
      'submission rejected',
    );
    const audit = rejection.senderVerified
      ? [
          rejectionAudit({
            topic: this.options.topics.audit,
            record,
            sender: sender.id,
            step: rejection.step,
            reasons: rejection.reasons,
            messageId: rejection.messageId,
            time,
          }),
        ]
      : [];
    const senderKey = await this.options.keys.partner(sender.id);
    if (!senderKey) return [deadLetter, ...audit];
    const document = {
      rejectionId: randomUUID(),
      ...(rejection.messageId ? { messageId: rejection.messageId } : {}),
      rejectedAt: time.toISOString(),
      source: { topic: record.topic, partition: record.partition, offset: record.offset },
      errors: rejection.reasons
        .slice(0, 100)
        .map((reason) => ({ ...reason, message: reason.message.slice(0, 1000) })),
    };
    return [
      await this.answer(sender, record, 'rejection', document, senderKey, time),
      deadLetter,
      ...audit,
    ];
  }

  /**
   * A receipt or rejection on the sender's own delivery topic, keyed like its submission so that its answers keep the order of its submissions.
   */
  private answer(
    sender: Partner,
    record: InboundRecord,
    type: 'receipt' | 'rejection',
    document: object,
    senderKey: PgpPublicKey,
    time: Date,
    traceparent?: string,
  ): Promise<OutboundRecord> {
    return encryptedHubRecord({
      topic: this.options.topics.delivery(sender.id),
      key: record.key?.toString() ?? null,
      type,
      document,
      hubSource: this.options.hubSource,
      hubKey: this.options.keys.hub,
      recipientKey: senderKey,
      time,
      ...(traceparent ? { traceparent } : {}),
    });
  }
}

function routedMessageOf(submission: Submission, sender: Partner): RoutedMessage {
  const { envelope } = submission;
  return {
    id: envelope.id,
    type: submission.messageType,
    dataschema: envelope.dataschema,
    occurredAt: envelope.data.occurredAt,
    zaakReferenties: envelope.data.zaakReferenties,
    traceparent: envelope.traceparent,
    payload: submission.payload as unknown as Record<string, unknown>,
    sender,
  };
}

/** The arrest a verdachtenmonitor entry reports: where the ZSM clock starts. */
function arrestOf(submission: Submission) {
  if (submission.messageType !== 'nl.samenloop.verdachtenmonitor-entry') return undefined;
  const { payload } = submission;
  return {
    zsmZaakId: payload.zsmZaakId,
    ...(payload.parketnummer ? { parketnummer: payload.parketnummer } : {}),
    arrestedAt: payload.aanhouding.tijdstip,
    pretrialDetentionAllowed: payload.feit.voorlopigeHechtenisToegestaan,
  };
}

/** The id of a submission that failed validation, when it can still be read, for the rejection. */
function messageIdOf(value: Buffer): string | undefined {
  try {
    const id = (JSON.parse(value.toString('utf8')) as { id?: unknown }).id;
    return typeof id === 'string' && /^[0-9a-f-]{36}$/i.test(id) ? id : undefined;
  } catch {
    return undefined;
  }
}
