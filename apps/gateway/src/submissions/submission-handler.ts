import { randomUUID } from 'node:crypto';
import { alarmsAfter, type AlarmSettings, type CaseLedger, type CaseRecord } from '@samenloop/case';
import type { ContractValidator, Submission } from '@samenloop/contracts';
import {
  decryptSubmission,
  MAX_SUBMISSION_PACKETS,
  MAX_SUBMISSION_SIGNATURES,
  type PgpPublicKey,
  type SubmissionFailure,
} from '@samenloop/crypto';
import {
  recordBytes,
  toDeadLetter,
  toParked,
  PoisonRecordError,
  type InboundRecord,
  type KeyPseudonym,
  type OutboundRecord,
  type TopicNames,
} from '@samenloop/messaging';
import type { Logger } from '@samenloop/observability';
import type { Partner, PartnerRegistry } from '@samenloop/partners';
import {
  acceptInCase,
  caseMessageOf,
  decideInCase,
  releaseInCase,
  type CaseMessage,
  type DecidedInCase,
  type ParkingReason,
  type Policy,
  type RecipientDecision,
} from '@samenloop/policy';
import type { HubAlerts } from '../alerts/hub-alerts';
import { recordKeyPseudonym, type HubKeys, type KeyProblem } from '../routing/hub-keys';
import { MessageRouter, type Delivered, type Routing } from '../routing/message-router';
import { HubContractError } from '../routing/hub-contract-error';
import { encryptedHubRecord } from '../routing/outbound-record.factory';
import type { RoutedMessage } from '../routing/routed-message';
import type { WaitingDeliveries, WaitReason } from '../waiting/waiting-deliveries';
import { rejectionAudit } from './rejection-audit';
import { fromContractErrors, type RejectionReason } from './rejection-reason';

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
  readonly waiting: WaitingDeliveries;
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

/** What a receipt says is parked: the whole message, or only its part for Veilig Thuis. */
interface Geparkeerd {
  readonly reden: ParkingReason;
  readonly deel?: 'veilig-thuis';
  readonly toelichting: string;
}

/** What is held: the whole message (in no thread yet), or its part for VT in its thread. */
type Held =
  { readonly scope: 'bericht' } | { readonly scope: 'vt'; readonly caseRecord: CaseRecord };

/**
 * One submission from a partner's inbound topic: verify → validate → drop duplicates → case and
 * stage → decide per recipient → project → sign and encrypt → deliveries, audit records, receipt.
 * Anything wrong with the submission becomes a rejection to the sender plus a dead letter; nothing
 * reaches a recipient then. All records are written in the pipeline's transaction. A message id
 * accepted before is a duplicate, unless its part for VT was held: then it is the operator's
 * release of that part.
 */
export class SubmissionHandler {
  private readonly senderByTopic: ReadonlyMap<string, Partner>;
  private readonly now: () => Date;
  private readonly keyPseudonym: KeyPseudonym;

  constructor(private readonly options: SubmissionHandlerOptions) {
    this.senderByTopic = new Map(
      options.registry.partners.map((partner) => [options.topics.inbound(partner.id), partner]),
    );
    this.now = options.now ?? (() => new Date());
    this.keyPseudonym = recordKeyPseudonym(options.keys);
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
    // The whole record counts, headers included: the inbound topic's max.message.bytes is this limit.
    const size = recordBytes(record);
    if (size > this.options.maxMessageBytes) {
      throw new Rejected(
        'size',
        [
          {
            code: 'too-large',
            message: `the record is ${size} bytes (key, value and headers); the maximum is ${this.options.maxMessageBytes}`,
          },
        ],
        undefined,
        false,
      );
    }
    const plaintext = await this.decrypt(value, sender);
    const validation = this.options.validator.validateSubmissionJson(utf8Text(plaintext));
    if (!validation.ok)
      throw new Rejected('validate', fromContractErrors(validation.errors), messageIdOf(plaintext));
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
    const neverShared = this.options
      .policy()
      .neverSharedIn(
        submission.messageType,
        submission.payload as unknown as Record<string, unknown>,
      );
    if (neverShared.length > 0)
      throw new Rejected(
        'authorise',
        neverShared.map((path) => ({
          code: 'never-share',
          path: `/data/payload${path}`,
          message: `remove ${path} and submit again: it never leaves ${sender.kind} (x-samenloop-never-share in the ${submission.messageType.replace('nl.samenloop.', '')} schema), so the hub neither routes nor keeps a message carrying it`,
        })),
        messageId,
      );
    // If routing fails half-way, the state it staged must not outlive it.
    const rollbackCase = this.options.ledger.savepoint();
    const rollbackWaiting = this.options.waiting.savepoint();
    try {
      return await this.route(record, submission, sender);
    } catch (error) {
      rollbackCase();
      rollbackWaiting();
      if (error instanceof HubContractError) throw this.undeliverable(error, messageId);
      throw error;
    }
  }

  /** The hub's own fault: the sender hears that, and the operator is alerted in the log. */
  private undeliverable(error: HubContractError, messageId: string): Rejected {
    this.options.logger.error(
      { alert: 'hub-contract-broken', messageId, document: error.document, paths: error.paths },
      'the hub built a document its own contract refuses; the message is answered as undeliverable',
    );
    return new Rejected(
      'seal',
      [
        {
          code: 'undeliverable',
          message: `the hub could not build a ${error.document} that meets its own contract (a fault in the hub or its policy, not in your message); the hub operator has been alerted. Submit the message again once the operator reports it fixed.`,
        },
      ],
      messageId,
    );
  }

  /**
   * The submission's plaintext: the record value is one OpenPGP message encrypted to the hub and
   * signed inside by the topic's owner. Until the signature holds, nothing from it is audited.
   */
  private async decrypt(value: Buffer, sender: Partner): Promise<Buffer> {
    const senderKey = await this.options.keys.partner(sender.id, new Date());
    const opened = await decryptSubmission(value, {
      decryptionKey: this.options.keys.hub,
      verificationKeys: senderKey.usable ? [senderKey.key] : [],
      maxPlaintextBytes: this.options.maxMessageBytes,
    });
    if (opened.ok) return Buffer.from(opened.plaintext);
    const signatureFailure = SIGNATURE_FAILURES.has(opened.failure);
    const reason: RejectionReason =
      signatureFailure && !senderKey.usable
        ? { code: 'unknown-sender', message: senderKeyProblem(senderKey.problem, sender) }
        : {
            code: REJECTION_CODE[opened.failure],
            message: submissionProblem(opened.failure, {
              sender,
              hubFingerprint: this.options.keys.hubPublic.fingerprint,
              maxMessageBytes: this.options.maxMessageBytes,
              expectedSigner: senderKey.usable ? senderKey.key.fingerprint : undefined,
              signerKeyIds: opened.signerKeyIds ?? [],
            }),
          };
    throw new Rejected(
      signatureFailure ? 'verify-signature' : 'decrypt',
      [reason],
      undefined,
      false,
    );
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
    // An id accepted before is a duplicate, unless it is the release of its held part for VT.
    if (decision.outcome !== 'released' && ledger.caseOfMessage(envelope.id)) {
      throw new Rejected(
        'deduplicate',
        [
          {
            code: 'duplicate',
            path: '/id',
            message: 'this message id was accepted before; it is not delivered again',
          },
        ],
        envelope.id,
      );
    }
    if (decision.outcome === 'rejected')
      throw new Rejected('stage', [{ code: decision.code, message: decision.reason }], envelope.id);
    const routing: Routing = {
      decisions: decision.decisions,
      policyVersion: decision.policyVersion,
      stage: decision.stage,
    };
    const time = this.now();
    if (decision.parking) return this.park(record, message, decision, decision.parking, time);
    if (decision.outcome === 'released')
      return this.release(record, message, inCase, routing, decision, time);

    const delivered = MessageRouter.deliveriesOf(routing);
    const caseRecord = acceptInCase(ledger, inCase, decision, delivered);
    if (caseRecord.stage === 'gesloten') ledger.close(caseRecord.caseKey, time);
    const records: OutboundRecord[] = [
      ...(await this.conflictAlert(message, caseRecord, decision, time)),
    ];
    // Everyone else receives it now; only the part for VT waits for the operator.
    if (decision.vtHeld)
      records.push(
        ...(await this.hold(
          record,
          message,
          decision,
          decision.vtHeld,
          { scope: 'vt', caseRecord },
          time,
        )),
      );
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
    records.push(
      ...(await this.sealAndAnswer(
        message,
        record,
        { routing, delivered, caseRecord },
        time,
        decision.vtHeld ? geparkeerd(decision.vtHeld, 'veilig-thuis') : undefined,
      )),
    );
    this.options.logger.info(
      {
        messageId: envelope.id,
        caseKey: caseRecord.caseKey,
        stage: caseRecord.stage,
        delivered: delivered.map((delivery) => delivery.recipient),
        ...(decision.vtHeld ? { vtHeld: decision.vtHeld } : {}),
      },
      'submission routed',
    );
    return records;
  }

  /**
   * The operator released the held part for VT of a message accepted before: only the VT partners
   * were decided, at the case's stage now, so no one else receives it a second time. Still no VT:
   * it is held again and the operator alerted.
   */
  private async release(
    record: InboundRecord,
    message: RoutedMessage,
    inCase: CaseMessage,
    routing: Routing,
    decision: DecidedInCase,
    time: Date,
  ): Promise<OutboundRecord[]> {
    const delivered = MessageRouter.deliveriesOf(routing);
    const caseRecord = releaseInCase(this.options.ledger, inCase, decision, delivered);
    if (decision.vtHeld) {
      const held = await this.hold(
        record,
        message,
        decision,
        decision.vtHeld,
        { scope: 'vt', caseRecord },
        time,
      );
      const receipt = await this.receipt(message, record, time, {
        decisions: [],
        delivered: [],
        caseRecord,
        geparkeerd: geparkeerd(decision.vtHeld, 'veilig-thuis'),
      });
      return [...held, receipt];
    }
    const records = await this.sealAndAnswer(
      message,
      record,
      { routing, delivered, caseRecord },
      time,
    );
    this.options.logger.info(
      {
        messageId: message.id,
        caseKey: caseRecord.caseKey,
        stage: caseRecord.stage,
        delivered: delivered.map((delivery) => delivery.recipient),
      },
      'held part for Veilig Thuis released',
    );
    return records;
  }

  /** A decided message's deliveries and audit records, and the receipt saying what became of them. */
  private async sealAndAnswer(
    message: RoutedMessage,
    record: InboundRecord,
    {
      routing,
      delivered,
      caseRecord,
    }: { routing: Routing; delivered: readonly Delivered[]; caseRecord: CaseRecord },
    time: Date,
    held?: Geparkeerd,
  ): Promise<OutboundRecord[]> {
    const shared = await this.options.router.seal(message, routing, caseRecord, delivered, time);
    const receipt = await this.receipt(message, record, time, {
      decisions: routing.decisions,
      delivered,
      waiting: shared.waiting,
      caseRecord,
      ...(held ? { geparkeerd: held } : {}),
    });
    return [...shared.records, receipt];
  }

  /**
   * The operator hears of a message that claims separate threads are one case, or that names a
   * household municipality the thread did not know (both VTs' rules then apply): never silently.
   * When that municipality lets a VT be determined for held parts of the thread, it names them:
   * the operator can release them now.
   */
  private async conflictAlert(
    message: RoutedMessage,
    caseRecord: CaseRecord & { readonly conflictingCaseKeys: readonly string[] },
    decision: DecidedInCase,
    time: Date,
  ): Promise<OutboundRecord[]> {
    const [firstConflict, ...otherConflicts] = caseRecord.conflictingCaseKeys;
    const { releasable } = decision;
    const [firstNew, ...otherNew] =
      decision.newMunicipalities.length > 0
        ? decision.newMunicipalities
        : (releasable?.gemeentecodes ?? []);
    const [firstKnown, ...otherKnown] = decision.existing?.facts.gemeentecodes ?? [];
    const [firstHeld, ...otherHeld] = releasable?.messageIds.slice(0, 100) ?? [];
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
            ? { bekendeGemeentecodes: [firstKnown, ...otherKnown] }
            : {}),
          ...(firstNew !== undefined && (firstKnown !== undefined || firstHeld !== undefined)
            ? { nieuweGemeentecodes: [firstNew, ...otherNew] }
            : {}),
          ...(firstNew !== undefined && firstHeld !== undefined
            ? { vtDeelGehouden: [firstHeld, ...otherHeld] }
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
    decision: DecidedInCase,
    reason: ParkingReason,
    time: Date,
  ): Promise<OutboundRecord[]> {
    const held = await this.hold(record, message, decision, reason, { scope: 'bericht' }, time);
    const receipt = await this.receipt(message, record, time, {
      decisions: [],
      delivered: [],
      geparkeerd: geparkeerd(reason, 'bericht'),
    });
    return [...held, receipt];
  }

  /**
   * The message, unchanged (still encrypted to the hub and signed by its sender), on the parked
   * topic — all of it, or as the part for VT of a message in its thread — and the alert that
   * tells the operator.
   */
  private async hold(
    record: InboundRecord,
    message: RoutedMessage,
    { stage, facts }: Pick<DecidedInCase, 'stage' | 'facts'>,
    reason: ParkingReason,
    held: Held,
    time: Date,
  ): Promise<OutboundRecord[]> {
    const unserved = (facts.gemeentecodes ?? []).find((code) => !this.options.registry.vtFor(code));
    const caseRecord = held.scope === 'vt' ? held.caseRecord : undefined;
    const parked = toParked(
      record,
      {
        messageId: message.id,
        messageType: message.type,
        sender: message.sender.id,
        reason,
        parkedAt: time,
        scope: held.scope,
        ...(caseRecord ? { caseKey: caseRecord.caseKey } : {}),
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
          ...(caseRecord ? { deel: 'veilig-thuis' as const } : {}),
          ...(reason === 'gemeente-onbekend' && unserved ? { gemeentecode: unserved } : {}),
          geparkeerdOp: time.toISOString(),
          parkeerplaats: {
            topic: record.topic,
            partition: record.partition,
            offset: record.offset,
          },
        },
        ...(caseRecord ? { caseRecord } : {}),
        stage,
        facts,
        traceparent: message.traceparent,
      },
      time,
    );
    this.options.logger.warn(
      {
        alert: 'message-parked',
        messageId: message.id,
        sender: message.sender.id,
        reason,
        scope: held.scope,
        ...(caseRecord ? { caseKey: caseRecord.caseKey } : {}),
      },
      held.scope === 'vt'
        ? 'part for Veilig Thuis parked: no Veilig Thuis can be determined for it'
        : 'message parked: no Veilig Thuis can be determined for it',
    );
    return [parked, ...alert];
  }

  /**
   * The sender's receipt: who received the message and who did not; its case and stage when it is
   * in one; what is parked, if anything. Checked against the receipt schema before it leaves.
   */
  private async receipt(
    message: RoutedMessage,
    record: InboundRecord,
    time: Date,
    outcome: {
      readonly decisions: readonly RecipientDecision[];
      readonly delivered: readonly Delivered[];
      /** Recipients whose delivery waits for a usable key, and why. */
      readonly waiting?: ReadonlyMap<string, WaitReason>;
      readonly caseRecord?: CaseRecord;
      readonly geparkeerd?: Geparkeerd;
    },
  ): Promise<OutboundRecord> {
    const { caseRecord, waiting = new Map<string, WaitReason>() } = outcome;
    const waitingFor = [...waiting].map(([recipient, reden]) => ({
      recipient,
      deliveryId: outcome.delivered.find((delivery) => delivery.recipient === recipient)!
        .deliveryId,
      reden,
      toelichting: waitingExplanation(recipient, reden),
    }));
    const document = {
      receiptId: randomUUID(),
      messageId: message.id,
      acceptedAt: time.toISOString(),
      ...(caseRecord ? { caseKey: caseRecord.caseKey, fase: caseRecord.stage } : {}),
      deliveredTo: outcome.delivered
        .filter((delivery) => !waiting.has(delivery.recipient))
        .map(({ recipient, deliveryId, decision }) => ({
          recipient,
          deliveryId,
          niveau: decision.level as 'inhoud' | 'notificatie',
          ruleIds: decision.rules.map((rule) => rule.id),
          withheldFields: decision.withheldFields.map((field) => field.path),
        })),
      ...(waitingFor.length > 0 ? { wachtOpSleutel: waitingFor } : {}),
      withheldFrom: outcome.decisions
        .filter((decision) => decision.level === 'geen')
        .map((decision) => ({
          recipient: decision.recipient.id,
          reason: (decision.reason ?? 'no rule applies').slice(0, 2000),
        })),
      ...(outcome.geparkeerd ? { geparkeerd: outcome.geparkeerd } : {}),
    };
    const check = this.options.validator.validateDocument('receipt', document);
    if (!check.ok)
      throw new HubContractError(
        'receipt',
        check.errors.map((error) => error.path),
      );
    return this.answer(
      message.sender,
      record,
      'receipt',
      document,
      await this.options.router.answerKey(message.sender.id, new Date()),
      time,
      message.traceparent,
    );
  }

  private async reject(
    record: InboundRecord,
    sender: Partner,
    rejection: Rejected,
  ): Promise<OutboundRecord[]> {
    const time = this.now();
    const inClear = rejection.reasons.some((reason) => reason.code === 'not-encrypted');
    const deadLetter = toDeadLetter(
      record,
      new PoisonRecordError(rejection.message.slice(0, 1000), rejection.step),
      {
        topic: this.options.topics.deadLetter,
        now: time,
        maxOriginalBytes: this.options.maxMessageBytes,
        keyPseudonym: this.keyPseudonym,
        ...(inClear
          ? {
              notKept:
                'sent unencrypted: the hub writes nothing in clear; the record stays on its inbound topic, at this offset, until the retention of that topic deletes it',
            }
          : {}),
      },
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
    const senderKey = await this.options.keys.partner(sender.id, new Date());
    if (!senderKey.usable) return [deadLetter, ...audit];
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
      await this.answer(sender, record, 'rejection', document, senderKey.key, time),
      deadLetter,
      ...audit,
    ];
  }

  /**
   * A receipt or rejection on the sender's own delivery topic, keyed by the pseudonym of its
   * submission's key: its answers keep the order of its submissions, and no key of the sender's
   * (which may name a case) is written in clear.
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
      key: record.key === null ? null : this.keyPseudonym(record.key),
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

/** What the receipt says is held, and why, in words the sender can act on. */
function geparkeerd(reason: ParkingReason, deel: 'bericht' | 'veilig-thuis'): Geparkeerd {
  const explanation =
    reason === 'gemeente-ontbreekt'
      ? "the household's municipality (gemeentecode) is missing, so the hub cannot tell which Veilig Thuis serves it"
      : "no Veilig Thuis in the partner registry serves the household's municipality";
  return deel === 'bericht'
    ? {
        reden: reason,
        toelichting: `Parked, not delivered to anyone yet: ${explanation}. The hub operator has been alerted and releases it once it can be routed; you need not send it again.`,
      }
    : {
        reden: reason,
        deel,
        toelichting: `The part for Veilig Thuis is held: ${explanation}. The other recipients are not kept waiting for it. The hub operator has been alerted and releases the part for Veilig Thuis once it can be routed; you need not send the message again.`,
      };
}

/** What the sender reads about a recipient whose delivery waits for its key. */
function waitingExplanation(recipient: string, reason: WaitReason): string {
  if (reason === 'eerdere-leveringen-eerst')
    return `Decided and kept for ${recipient}, encrypted for the hub alone: ${recipient} has a usable key again and its earlier deliveries, held while it had none, go out first, in order; this one follows them. You need not send the message again.`;
  const why = {
    'sleutel-ontbreekt': `the hub has no public key registered for ${recipient}`,
    'sleutel-niet-vastgelegd': `the public key in the hub's keys folder for ${recipient} is not the one the partner registry pins for it`,
    'sleutel-verlopen': `the public key registered for ${recipient} has expired`,
    'sleutel-ingetrokken': `the public key registered for ${recipient} was revoked`,
    'sleutel-onbruikbaar': `the public key registered for ${recipient} cannot be used`,
  }[reason];
  return `Decided and kept for ${recipient}, encrypted for the hub alone, but not delivered yet: ${why}. It is delivered as soon as ${recipient} has a usable key registered; the hub operator has been alerted. The other recipients are not kept waiting, and you need not send the message again.`;
}

/** Why a submission cannot be verified when its sender has no usable key. */
function senderKeyProblem(problem: KeyProblem, sender: Partner): string {
  switch (problem) {
    case 'sleutel-ontbreekt':
      return `no public key is registered for ${sender.id}`;
    case 'sleutel-niet-vastgelegd':
      return `the public key the hub holds for ${sender.id} is not the one the partner registry pins for ${sender.id}, so nothing is accepted as signed by ${sender.id}; have your key registered with the hub operator (samenloop partner register) and submit again`;
    case 'sleutel-verlopen':
      return `the public key registered for ${sender.id} has expired; register a renewed key with the hub operator and submit again`;
    case 'sleutel-ingetrokken':
      return `the public key registered for ${sender.id} was revoked; register a new key with the hub operator and submit again`;
    case 'sleutel-onbruikbaar':
      return `the public key registered for ${sender.id} cannot be used; register a usable key with the hub operator and submit again`;
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

/**
 * Failures after the message decrypted: who signed is the question, so when the topic's owner has
 * no usable key, that is the answer the sender needs.
 */
const SIGNATURE_FAILURES: ReadonlySet<SubmissionFailure> = new Set([
  'no-signature',
  'unknown-signer',
  'unusable-signer-key',
  'bad-signature',
  'too-many-signatures',
]);

/** The rejection code a partner sees for each way a submission fails to open. */
const REJECTION_CODE = {
  'not-openpgp': 'not-encrypted',
  'not-encrypted': 'not-encrypted',
  'too-many-packets': 'undecryptable',
  'not-for-recipient': 'not-for-hub',
  undecryptable: 'undecryptable',
  'too-large': 'too-large',
  'too-many-signatures': 'invalid-signature',
  'no-signature': 'missing-signature',
  'unknown-signer': 'unknown-sender',
  'unusable-signer-key': 'invalid-signature',
  'bad-signature': 'invalid-signature',
} as const satisfies Record<SubmissionFailure, string>;

/**
 * What the sender must do when its submission does not open; the limits and the hub's key are
 * named, and for a signature that does not verify, the key the hub expected and the key ids that
 * signed, so the sender can see which key it used.
 */
function submissionProblem(
  failure: SubmissionFailure,
  {
    sender,
    hubFingerprint,
    maxMessageBytes,
    expectedSigner,
    signerKeyIds,
  }: {
    sender: Partner;
    hubFingerprint: string;
    maxMessageBytes: number;
    expectedSigner: string | undefined;
    signerKeyIds: readonly string[];
  },
): string {
  const expected =
    `the hub expected a signature by ${sender.id}'s registered key ${expectedSigner ?? '(none registered)'}` +
    (signerKeyIds.length > 0 ? ` and found one by key id ${signerKeyIds.join(', key id ')}` : '');
  const howTo = `sign with ${sender.id}'s registered key and encrypt to the hub's key in one OpenPGP message, e.g. \`gpg --sign --encrypt -r ${hubFingerprint}\` (binary or armored, compressed or not); the hub's public key is the hub operator's hub/public.asc, fingerprint ${hubFingerprint}`;
  switch (failure) {
    case 'not-openpgp':
      return `the value is not an OpenPGP message (cleartext submissions are not accepted): ${howTo}`;
    case 'not-encrypted':
      return `the OpenPGP message is not encrypted: ${howTo}`;
    case 'not-for-recipient':
      return `the message is not encrypted to the hub's key ${hubFingerprint}: ${howTo}`;
    case 'too-many-packets':
      return `the message has more than ${MAX_SUBMISSION_PACKETS} top-level packets (at most ${MAX_SUBMISSION_PACKETS - 1} recipients); none was decrypted: ${howTo}`;
    case 'undecryptable':
      return `the message is encrypted to the hub's key but does not decrypt to one intact signed message (damaged or malformed): ${howTo}`;
    case 'too-large':
      return `the decrypted (decompressed) submission is over ${maxMessageBytes} bytes, the hub's maximum; decompression stopped there`;
    case 'too-many-signatures':
      return `the message holds more than ${MAX_SUBMISSION_SIGNATURES} signatures; none was verified: sign once with ${sender.id}'s registered key`;
    case 'no-signature':
      return `the message is encrypted but not signed: ${howTo}`;
    case 'unknown-signer':
      return `the message is not signed by ${sender.id}'s registered key, whose topic this is (${expected}): ${howTo}`;
    case 'unusable-signer-key':
    case 'bad-signature':
      return `the signature is not a valid signature by ${sender.id}'s registered key over this message (${failure}; ${expected})`;
  }
}

// Fatal: invalid bytes must not become U+FFFD, or the text routed would differ from the bytes signed.
// The BOM is kept, so that JSON.parse refuses it as before (RFC 8259 §8.1: JSON text has no BOM).
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The decrypted submission as text; one that is not UTF-8 throughout is refused as not JSON. */
function utf8Text(value: Buffer): string {
  try {
    return UTF8.decode(value);
  } catch {
    throw new Rejected(
      'validate',
      [
        {
          code: 'not-json',
          message: `the decrypted submission is not valid UTF-8 at byte ${firstInvalidUtf8Byte(value)}; JSON is UTF-8 (RFC 8259 §8.1), and the hub routes exactly the text that was signed`,
        },
      ],
      messageIdOf(value),
    );
  }
}

/**
 * The offset of the first byte that starts no well-formed UTF-8 sequence (Unicode Table 3-7: no
 * overlong forms, no surrogates, nothing above U+10FFFF), or -1. Only run on a value the decoder
 * refused, to say where.
 */
export function firstInvalidUtf8Byte(bytes: Uint8Array): number {
  let at = 0;
  while (at < bytes.length) {
    const lead = bytes[at]!;
    if (lead < 0x80) {
      at += 1;
      continue;
    }
    const sequence = utf8Sequence(lead);
    if (!sequence || at + sequence.length > bytes.length) return at;
    const second = bytes[at + 1]!;
    if (second < sequence.low || second > sequence.high) return at;
    for (let next = at + 2; next < at + sequence.length; next += 1) {
      const byte = bytes[next]!;
      if (byte < 0x80 || byte > 0xbf) return at;
    }
    at += sequence.length;
  }
  return -1;
}

/** A lead byte's sequence length and the range of its second byte (Table 3-7); undefined: no lead. */
function utf8Sequence(lead: number): { length: number; low: number; high: number } | undefined {
  if (lead >= 0xc2 && lead <= 0xdf) return { length: 2, low: 0x80, high: 0xbf };
  if (lead === 0xe0) return { length: 3, low: 0xa0, high: 0xbf };
  if (lead === 0xed) return { length: 3, low: 0x80, high: 0x9f };
  if (lead >= 0xe1 && lead <= 0xef) return { length: 3, low: 0x80, high: 0xbf };
  if (lead === 0xf0) return { length: 4, low: 0x90, high: 0xbf };
  if (lead >= 0xf1 && lead <= 0xf3) return { length: 4, low: 0x80, high: 0xbf };
  if (lead === 0xf4) return { length: 4, low: 0x80, high: 0x8f };
  return undefined;
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
