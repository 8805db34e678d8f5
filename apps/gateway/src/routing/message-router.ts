import { randomUUID } from 'node:crypto';
import { dataSubjectsOf, disclosedPersons, personsOf, type DataSubject } from '@samenloop/audit';
import type { CaseRecord, DecisionFacts } from '@samenloop/case';
import type { CaseStage, ContractValidator } from '@samenloop/contracts';
import {
  TransientProcessingError,
  type OutboundRecord,
  type TopicNames,
} from '@samenloop/messaging';
import type { Logger } from '@samenloop/observability';
import type { PartnerRegistry } from '@samenloop/partners';
import {
  joinedGrounds,
  recipientsOfDecisions,
  type Policy,
  type RecipientDecision,
} from '@samenloop/policy';
import type { DeliveryDispatcher, PreparedDelivery } from '../waiting/delivery-dispatcher';
import type { WaitReason } from '../waiting/waiting-deliveries';
import type { HubKeys } from './hub-keys';
import { HubContractError } from './hub-contract-error';
import type { RoutedMessage } from './routed-message';

export interface MessageRouterOptions {
  readonly registry: PartnerRegistry;
  readonly validator: ContractValidator;
  /** The policy in force now; a hot reload swaps what this returns. */
  readonly policy: () => Policy;
  readonly keys: HubKeys;
  readonly dispatcher: DeliveryDispatcher;
  readonly hubSource: string;
  readonly topics: TopicNames;
  readonly logger: Logger;
}

/** The policy's decisions for one message, with the version of the policy that made them. */
export interface Routing {
  readonly decisions: readonly RecipientDecision[];
  readonly policyVersion: string;
  readonly stage: CaseStage;
}

export interface Delivered {
  readonly recipient: string;
  readonly deliveryId: string;
  readonly decision: RecipientDecision;
}

/** What sealing a decided message gives: the records to write, and who waits for a usable key. */
export interface Sealed {
  readonly records: OutboundRecord[];
  /** The deliveries kept waiting, by recipient, with why its key is not usable. */
  readonly waiting: ReadonlyMap<string, WaitReason>;
}

/**
 * Shares a message as the policy decides: per recipient a delivery with only the allowed fields,
 * signed by the hub and encrypted to that recipient alone, and per decision an audit record.
 * Used alike for partners' submissions and the hub's own alerts.
 */
export class MessageRouter {
  constructor(private readonly options: MessageRouterOptions) {}

  decide(message: RoutedMessage, stage: CaseStage, facts: DecisionFacts): Routing {
    const policy = this.options.policy();
    return {
      decisions: policy.decide({
        messageType: message.type,
        stage,
        payload: message.payload,
        zaakReferenties: message.zaakReferenties,
        facts,
        sender: message.sender,
        candidates: this.options.registry.partners,
      }),
      policyVersion: policy.version,
      stage,
    };
  }

  /** A delivery id for each recipient the policy lets receive something. */
  static deliveriesOf(routing: Pick<Routing, 'decisions'>): Delivered[] {
    return recipientsOfDecisions(routing.decisions).map((decision) => ({
      recipient: decision.recipient.id,
      deliveryId: randomUUID(),
      decision,
    }));
  }

  /**
   * Deliveries and audit records for a decided message, sealed for their recipients: the caller
   * can seal other documents (the sender's receipt) meanwhile. `caseRecord` is the thread as it
   * was before these deliveries. A recipient without a usable key waits alone (see
   * `DeliveryDispatcher`).
   */
  async seal(
    message: RoutedMessage,
    routing: Routing,
    caseRecord: CaseRecord | undefined,
    delivered: readonly Delivered[],
    time: Date,
  ): Promise<Sealed> {
    // Whose data each decision discloses, by pseudonym: for its audit record, and its delivery's
    // release should the delivery wait for a key.
    const persons = personsOf(message.type, message.payload);
    const subjects = new Map(
      routing.decisions.map((decision) => [
        decision,
        dataSubjectsOf(disclosedPersons(persons, decision), this.options.keys.pseudonyms),
      ]),
    );
    const subjectsOf = (decision: RecipientDecision) => subjects.get(decision) ?? [];
    const audits = routing.decisions.map((decision) =>
      this.auditRecord(
        message,
        decision,
        routing,
        caseRecord,
        delivered,
        subjectsOf(decision),
        time,
      ),
    );
    // Concurrently: openpgp's key agreement runs on libuv's thread pool, so the recipients'
    // encryptions use both cores instead of waiting on each other.
    const dispatched = await Promise.all(
      delivered.map(async ({ decision, deliveryId }) => ({
        recipient: decision.recipient.id,
        ...(await this.options.dispatcher.dispatch(
          this.delivery(
            message,
            decision,
            routing,
            caseRecord,
            deliveryId,
            time,
            subjectsOf(decision),
          ),
          time,
        )),
      })),
    );
    const waiting = new Map<string, WaitReason>();
    for (const { recipient, waiting: problem } of dispatched)
      if (problem) waiting.set(recipient, problem);
    return { records: [...dispatched.flatMap(({ records }) => records), ...audits], waiting };
  }

  /**
   * The key for an answer to a partner whose signature was just verified. Should it become
   * unusable in between, the record is handled again (and then rejected without an answer).
   */
  async answerKey(partnerId: string, time: Date) {
    const state = await this.options.keys.partner(partnerId, time);
    if (state.usable) return state.key;
    throw new TransientProcessingError(
      `no usable public key for ${partnerId} to answer with: ${state.problem}`,
      'encrypt',
    );
  }

  /** The delivery document for one recipient, checked against the published contract. */
  private delivery(
    message: RoutedMessage,
    decision: RecipientDecision,
    routing: Routing,
    caseRecord: CaseRecord | undefined,
    deliveryId: string,
    time: Date,
    dataSubjects: readonly DataSubject[],
  ): PreparedDelivery {
    const { recipient, rules } = decision;
    const document = {
      deliveryId,
      messageId: message.id,
      messageType: message.type,
      dataschema: message.dataschema,
      sender: message.sender.id,
      recipient: recipient.id,
      niveau: decision.level,
      deliveredAt: time.toISOString(),
      occurredAt: message.occurredAt,
      ...(decision.deliveredReferences.length > 0
        ? { zaakReferenties: decision.zaakReferenties }
        : {}),
      ...(decision.level === 'inhoud' ? { payload: decision.payload ?? {} } : {}),
      grondslag: {
        ruleIds: rules.map((rule) => rule.id),
        // Never cut: a policy whose joined grounds exceed the schema's length does not load.
        doel: joinedGrounds(rules.map((rule) => rule.purpose)),
        wettelijkeGrondslag: {
          label: joinedGrounds(rules.map((rule) => rule.legalBasis.label)),
          referentie: joinedGrounds(rules.map((rule) => rule.legalBasis.reference)),
        },
        policyVersion: routing.policyVersion,
      },
      ...(caseRecord
        ? {
            caseThread: {
              caseKey: caseRecord.caseKey,
              fase: routing.stage,
              relatedDeliveries: [...(caseRecord.deliveries[recipient.id] ?? [])],
            },
          }
        : {}),
      traceparent: message.traceparent,
    };
    // The hub checks its own output against the published contract before anything leaves.
    const check = this.options.validator.validateDocument('delivery', document);
    if (!check.ok)
      throw new HubContractError(
        `delivery to ${recipient.id}`,
        check.errors.map((error) => error.path),
      );
    return {
      recipient: recipient.id,
      deliveryId,
      messageId: message.id,
      topic: this.options.topics.delivery(recipient.id),
      key: caseRecord?.caseKey ?? message.id,
      document,
      dataSubjects,
      traceparent: message.traceparent,
    };
  }

  private auditRecord(
    message: RoutedMessage,
    decision: RecipientDecision,
    routing: Routing,
    caseRecord: CaseRecord | undefined,
    delivered: readonly Delivered[],
    dataSubjects: readonly DataSubject[],
    time: Date,
  ): OutboundRecord {
    const audit = {
      kind: 'decision',
      auditId: randomUUID(),
      messageId: message.id,
      messageType: message.type,
      caseKey: caseRecord?.caseKey ?? null,
      stage: routing.stage,
      sender: message.sender.id,
      recipient: decision.recipient.id,
      level: decision.level,
      deliveryId:
        delivered.find((delivery) => delivery.recipient === decision.recipient.id)?.deliveryId ??
        null,
      ruleIds: decision.rules.map((rule) => rule.id),
      deliveredFields: decision.deliveredFields,
      withheldFields: decision.withheldFields,
      deliveredReferences: decision.deliveredReferences,
      withheldReferences: decision.withheldReferences,
      purposes: decision.rules.map((rule) => rule.purpose),
      legalBases: decision.rules.map((rule) => rule.legalBasis),
      reason: decision.reason ?? null,
      // Pseudonyms of the persons whose data the recipient got: the index access requests use.
      dataSubjects,
      policyVersion: routing.policyVersion,
      decidedAt: time.toISOString(),
    };
    return { topic: this.options.topics.audit, key: message.id, value: JSON.stringify(audit) };
  }
}
