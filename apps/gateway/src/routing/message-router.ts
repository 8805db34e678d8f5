import { randomUUID } from 'node:crypto';
import { dataSubjectsOf, disclosedPersons, personsOf, type DataSubject } from '@samenloop/audit';
import type { CaseRecord, DecisionFacts } from '@samenloop/case';
import type { CaseStage, ContractValidator } from '@samenloop/contracts';
import type { Pseudonyms } from '@samenloop/crypto';
import type { OutboundRecord, TopicNames } from '@samenloop/messaging';
import type { PartnerRegistry } from '@samenloop/partners';
import {
  joinedGrounds,
  recipientsOfDecisions,
  type Policy,
  type RecipientDecision,
} from '@samenloop/policy';
import type { PreparedDelivery } from '../waiting/delivery-dispatcher';
import { HubContractError } from './hub-contract-error';
import type { RoutedMessage } from './routed-message';

export interface MessageRouterOptions {
  readonly registry: PartnerRegistry;
  readonly validator: ContractValidator;
  /** The policy in force now; a hot reload swaps what this returns. */
  readonly policy: () => Policy;
  /** Whose data a decision discloses is audited by these keyed pseudonyms. */
  readonly pseudonyms: Pseudonyms;
  readonly topics: TopicNames;
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

/** A decided message's records, built but not yet sealed for their recipients. */
export interface DecidedRecords {
  /** Per recipient a delivery with only the allowed fields, for the dispatcher to seal. */
  readonly deliveries: readonly PreparedDelivery[];
  /** Per decision an audit record. */
  readonly audits: readonly OutboundRecord[];
}

/**
 * Decides who receives a message and builds what the decision gives: per recipient a delivery
 * with only the allowed fields, per decision an audit record, each checked against the published
 * contract. It reads no key and writes no case state: sealing is the dispatcher's, the thread the
 * caller's. Used alike for partners' submissions and the hub's own alerts.
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
   * The deliveries and audit records of a decided message. `caseRecord` is the thread as it was
   * before these deliveries.
   */
  buildRecords(
    message: RoutedMessage,
    routing: Routing,
    caseRecord: CaseRecord | undefined,
    delivered: readonly Delivered[],
    time: Date,
  ): DecidedRecords {
    // Whose data each decision discloses, by pseudonym: for its audit record, and its delivery's
    // release should the delivery wait for a key.
    const persons = personsOf(message.type, message.payload);
    const subjects = new Map(
      routing.decisions.map((decision) => [
        decision,
        dataSubjectsOf(disclosedPersons(persons, decision), this.options.pseudonyms),
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
    const deliveries = delivered.map(({ decision, deliveryId }) =>
      this.deliveryFor(
        message,
        decision,
        routing,
        caseRecord,
        deliveryId,
        time,
        subjectsOf(decision),
      ),
    );
    return { deliveries, audits };
  }

  /** The delivery document for one recipient, checked against the published contract. */
  private deliveryFor(
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
