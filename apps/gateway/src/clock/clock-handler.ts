import {
  dueAlarms,
  factsInThread,
  inDutchTime,
  markRaised,
  type AlarmKind,
  type CaseLedger,
  type CaseRecord,
} from '@samenloop/case';
import type { RecordMac } from '@samenloop/crypto';
import type { InboundRecord, OutboundRecord } from '@samenloop/messaging';
import type { Logger } from '@samenloop/observability';
import type { Alert, AlertType, HubAlerts } from '../alerts/hub-alerts';
import { zaakReferentiesOf } from '../routing/routed-message';
import type { DeliveryDispatcher } from '../waiting/delivery-dispatcher';
import { requireOwnRecord } from '../topics/own-record';
import { clockTickRecord, parseClockTick } from './clock-tick';

/**
 * The hub's clock is a Kafka topic. A tick raises every case alarm that has come due, in the same
 * transaction that commits the tick and marks the alarms raised: after a crash the tick is read
 * again and nothing is raised twice or lost. The alarms live in the case state, so they survive
 * restarts; tests (or a standby clock) drive time by writing ticks, never by waiting. A tick also
 * releases the deliveries waiting for a recipient whose key has become usable, and forgets the
 * cases closed longer ago than their retention. Only ticks the hub wrote count (`requireOwnRecord`):
 * anyone who could write the clock topic could otherwise move the hub's time to 2099 and raise
 * every alarm. Any other tick is dead-lettered with an operator alert; the hub's time stays.
 */
export class ClockHandler {
  private hubTime = new Date(0);

  constructor(
    private readonly ledger: CaseLedger,
    private readonly alerts: HubAlerts,
    private readonly dispatcher: DeliveryDispatcher,
    private readonly logger: Logger,
    private readonly settings: {
      readonly closedCaseRetentionMs: number;
      /** Authenticates the ticks: only a holder of the hub secret moves the hub's time. */
      readonly mac: RecordMac;
    },
  ) {}

  /** The latest time a tick brought; time never runs backwards. */
  get now(): Date {
    return this.hubTime;
  }

  readonly handle = async (record: InboundRecord): Promise<readonly OutboundRecord[]> => {
    const tick = this.authenticTime(record);
    if (tick > this.hubTime) this.hubTime = tick;
    // Released now, whatever time the tick brings (tests and a standby clock may lag or lead).
    const released = await this.dispatcher.releaseUsable(new Date());
    const records: OutboundRecord[] = [...released.records];
    // A backlog goes out batch by batch: each batch's transaction queues the tick for the next.
    if (released.more) records.push(this.followUp(record.topic));
    for (const caseRecord of [...this.ledger.casesWithPendingAlarms()]) {
      for (const kind of dueAlarms(caseRecord.alarms, this.hubTime)) {
        const raised = await this.alerts.raise(alertFor(caseRecord, kind), this.hubTime);
        records.push(...raised.records);
        this.ledger.recordDeliveries(caseRecord.caseKey, raised.delivered);
        this.ledger.updateAlarms(caseRecord.caseKey, (alarms) => markRaised(alarms, kind));
        this.logger.info({ caseKey: caseRecord.caseKey, alarm: kind }, 'case alarm raised');
      }
    }
    const forgotten = this.ledger.forgetClosedBefore(
      new Date(this.hubTime.getTime() - this.settings.closedCaseRetentionMs),
    );
    if (forgotten.length > 0)
      this.logger.info({ cases: forgotten.length }, 'closed cases past their retention forgotten');
    return records;
  };

  private authenticTime(record: InboundRecord): Date {
    requireOwnRecord(record, {
      mac: this.settings.mac,
      logger: this.logger,
      what: 'clock tick',
      step: 'clock-mac',
      alert: 'clock-tick-not-authentic',
    });
    return parseClockTick(record.value);
  }

  /** A tick at the hub's time now: it moves no time, only continues the releases. */
  private followUp(clockTopic: string): OutboundRecord {
    return clockTickRecord(this.settings.mac, clockTopic, this.hubTime);
  }
}

function alertFor(caseRecord: CaseRecord, kind: AlarmKind): Alert<AlertType> {
  const references = zaakReferentiesOf(caseRecord.references);
  const common = {
    caseRecord,
    stage: caseRecord.stage,
    facts: factsInThread(caseRecord),
  };
  if (kind === 'zsmTermijn') {
    const alarm = caseRecord.alarms.zsmTermijn;
    if (!alarm) throw new Error(`case ${caseRecord.caseKey} has no ZSM alarm`);
    return {
      ...common,
      type: 'nl.samenloop.zsm-termijn-signalering',
      payload: {
        zsmZaakId: alarm.zsmZaakId,
        ...(alarm.parketnummer ? { parketnummer: alarm.parketnummer } : {}),
        aangehoudenOp: inDutchTime(new Date(alarm.arrestedAt)),
        termijnEindigtOp: inDutchTime(new Date(alarm.deadline)),
        voorlopigeHechtenisToegestaan: alarm.pretrialDetentionAllowed,
        margeMinuten: alarm.marginMinutes,
        ontbreekt: 'veiligheidsbeoordeling-bij-om',
      },
    };
  }
  const alarm = caseRecord.alarms.zorgmeldingOntbreekt;
  if (!alarm) throw new Error(`case ${caseRecord.caseKey} has no zorgmelding alarm`);
  return {
    ...common,
    type: 'nl.samenloop.zorgmelding-ontbreekt',
    payload: {
      ...(references.zsmZaakId ? { zsmZaakId: references.zsmZaakId } : {}),
      ...(references.parketnummer ? { parketnummer: references.parketnummer } : {}),
      ...(references.politieRegistratienummer
        ? { politieRegistratienummer: references.politieRegistratienummer }
        : {}),
      zaakBijZsmSinds: inDutchTime(new Date(alarm.atZsmSince)),
      wachttijdMinuten: alarm.waitMinutes,
    },
  };
}
