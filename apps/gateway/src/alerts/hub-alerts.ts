import { randomBytes, randomUUID } from 'node:crypto';
import type { CaseRecord, DecisionFacts } from '@samenloop/case';
import {
  dataschemaOf,
  type CaseStage,
  type ContractValidator,
  type MessagePayloads,
} from '@samenloop/contracts';
import type { OutboundRecord } from '@samenloop/messaging';
import type { Logger } from '@samenloop/observability';
import type { Partner } from '@samenloop/partners';
import { HubContractError } from '../routing/hub-contract-error';
import { MessageRouter, type Delivered } from '../routing/message-router';
import { zaakReferentiesOf, type RoutedMessage } from '../routing/routed-message';
import type { DeliveryDispatcher } from '../waiting/delivery-dispatcher';

/** The hub's own alert types (`x-samenloop-senders: [SAMENLOOP]`). */
export type AlertType =
  | 'nl.samenloop.zsm-termijn-signalering'
  | 'nl.samenloop.zorgmelding-ontbreekt'
  | 'nl.samenloop.routering-geparkeerd'
  | 'nl.samenloop.koppeling-conflict'
  | 'nl.samenloop.beleid-geweigerd';

export interface Alert<T extends AlertType> {
  readonly type: T;
  readonly payload: MessagePayloads[T];
  /** The case the alert is about; absent for a message that is in no thread yet. */
  readonly caseRecord?: CaseRecord;
  /** The stage the policy decides at: the case's, or the one a parked message would open. */
  readonly stage: CaseStage;
  readonly facts: DecisionFacts;
  /** The trace of the message that caused the alert, if any. */
  readonly traceparent?: string;
}

/** A raised alert's records, and its deliveries: the caller records them in the alert's case. */
export interface RaisedAlert {
  readonly records: OutboundRecord[];
  readonly delivered: readonly Delivered[];
}

/**
 * The hub's alerts are messages like any other: validated against their schema, shared as the
 * policy decides (deny by default), delivered encrypted on the recipients' delivery topics and
 * audited. Whom an alert reaches is therefore configuration, not code.
 */
export class HubAlerts {
  constructor(
    private readonly router: MessageRouter,
    private readonly dispatcher: DeliveryDispatcher,
    private readonly validator: ContractValidator,
    private readonly hub: Partner,
    private readonly logger: Logger,
  ) {}

  async raise<T extends AlertType>(alert: Alert<T>, time: Date): Promise<RaisedAlert> {
    const name = alert.type.replace(/^nl\.samenloop\./, '');
    const check = this.validator.validateDocument(name, alert.payload);
    if (!check.ok)
      throw new HubContractError(
        `alert ${name}`,
        check.errors.map((error) => error.path),
      );
    const message: RoutedMessage = {
      id: randomUUID(),
      type: alert.type,
      dataschema: dataschemaOf(name),
      occurredAt: time.toISOString(),
      zaakReferenties: zaakReferentiesOf(alert.caseRecord?.references ?? []),
      traceparent: alert.traceparent ?? newTraceparent(),
      payload: alert.payload as unknown as Record<string, unknown>,
      sender: this.hub,
    };
    const routing = this.router.decide(message, alert.stage, alert.facts);
    const delivered = MessageRouter.deliveriesOf(routing);
    const { records } = await this.dispatcher.seal(
      this.router.buildRecords(message, routing, alert.caseRecord, delivered, time),
      time,
    );
    const context = {
      alert: name,
      alertId: message.id,
      caseKey: alert.caseRecord?.caseKey,
      delivered: delivered.map((delivery) => delivery.recipient),
    };
    if (delivered.length === 0)
      this.logger.error(context, 'hub alert reached no one: no policy rule shares it');
    else this.logger.warn(context, 'hub alert raised');
    return { records, delivered };
  }
}

function newTraceparent(): string {
  return `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
}
