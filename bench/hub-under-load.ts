import type { Kafka } from 'kafkajs';
import { CLOUDEVENTS_HEADERS, hubDocumentTypeOf } from '@samenloop/contracts';
import type { GatewayProcess } from '../test/support/gateway-process';
import { newGatewayScenario, type GatewayScenario } from '../test/support/gateway-scenario';
import {
  ArrivalRecorder,
  offerLoad,
  type LoadFigures,
  type OfferedLoad,
  type OfferedRecord,
} from './load-generator';
import { ENTRY_RECIPIENTS, ZORGMELDING_RECIPIENT, traceIdOf } from './bench-submissions';
import { startCpuMeter, type CpuCores } from './cpu-meter';

/** A phase's figures, with where the cores went meanwhile. */
export type HubLoadFigures = LoadFigures & { readonly cpuCores: CpuCores };

/**
 * The built gateway as `npm start` runs it, in its own process, with its own topics and keys, and
 * a reader on the recipients' delivery topics that notes when each delivery arrives.
 */
export class HubUnderLoad {
  private constructor(
    private readonly kafka: Kafka,
    readonly scenario: GatewayScenario,
    private readonly gateway: GatewayProcess,
    private readonly recorder: ArrivalRecorder,
    private readonly brokerPid: number | undefined,
  ) {}

  static async start(
    kafka: Kafka,
    brokerPid: number | undefined,
    settings: Record<string, string> = {},
  ): Promise<HubUnderLoad> {
    const scenario = await newGatewayScenario(kafka, settings);
    const gateway = await scenario.startGateway();
    const recorder = await ArrivalRecorder.start(
      kafka,
      [...ENTRY_RECIPIENTS, ZORGMELDING_RECIPIENT].map((partner) =>
        scenario.topics.delivery(partner),
      ),
      (message) =>
        hubDocumentTypeOf(message.headers) === 'delivery'
          ? traceIdOf(message.headers?.[CLOUDEVENTS_HEADERS.traceparent]?.toString())
          : undefined,
    );
    return new HubUnderLoad(kafka, scenario, gateway, recorder, brokerPid);
  }

  /** Offers POLITIE-OB's submissions at `load` and waits for `recipients` deliveries of each. */
  async offer(
    records: readonly OfferedRecord[],
    load: OfferedLoad,
    recipients: number,
  ): Promise<HubLoadFigures> {
    const sentAt = new Map<string, number>();
    const cpuCores = startCpuMeter({
      gateway: this.gateway.pid!,
      ...(this.brokerPid ? { broker: this.brokerPid } : {}),
    });
    await offerLoad(this.kafka, this.scenario.topics.inbound('POLITIE-OB'), records, load, sentAt);
    const ids = records.map((record) => record.traceId);
    // Generous: the slowest phase drains at tens of messages a second.
    await this.recorder.complete(ids, recipients, 120_000 + records.length * 50);
    return { ...this.recorder.figures(load, ids, sentAt), cpuCores: cpuCores() };
  }

  async stop(): Promise<void> {
    await this.recorder.stop();
    await this.gateway.terminate();
  }
}
