import path from 'node:path';
import type { Kafka } from 'kafkajs';
import { createConnectorCredentials } from './connector-credentials';
import { DropInbox, Outbox } from './connector-files';
import { ConnectorProcess } from './connector-process';
import { DeliveryWatcher } from './delivery-watcher';
import { newGatewayScenario } from './gateway-scenario';
import { ROOT } from './partner-kit';
import type { RunningHub } from './running-hub';

/**
 * The chain as file-based case systems meet it, each connector a process of the real bundle: the
 * police drop CORV XML zorgmeldingen and ZSM extracts, VT-ZOB drops its exports and takes its
 * documents from a JSON outbox, VT-BNO from an XML outbox.
 */
export class FileChain {
  readonly corvInbox = new DropInbox('corv-in');
  readonly zsmInbox = new DropInbox('zsm-in');
  readonly exportInbox = new DropInbox('export-in');
  readonly outboxes = {
    'VT-ZOB': new Outbox('vt-zob-outbox', 'json'),
    'VT-BNO': new Outbox('vt-bno-outbox', 'xml'),
  } as const;
  private readonly connectors = new Map<string, ConnectorProcess>();

  private constructor(private readonly running: RunningHub) {}

  /**
   * A fresh scenario with its gateway, a watcher on `watched` partners' delivery topics, and the
   * connectors of `partners` started; everything is stopped by the running hub's cleanup and `stop`.
   */
  static async start(
    kafka: Kafka,
    running: RunningHub,
    partners: readonly ('POLITIE-OB' | 'VT-ZOB' | 'VT-BNO')[],
    watched: readonly string[],
  ): Promise<FileChain> {
    const chain = new FileChain(running);
    running.scenario = await newGatewayScenario(kafka);
    running.watcher = await DeliveryWatcher.start(kafka, running.scenario, watched);
    for (const partner of partners)
      chain.connectors.set(
        partner,
        await ConnectorProcess.create(
          running.scenario,
          partner,
          await createConnectorCredentials(),
          { settings: chain.settingsOf(partner) },
        ),
      );
    running.gateway = await running.scenario.startGateway();
    await Promise.all([...chain.connectors.values()].map((connector) => connector.start()));
    return chain;
  }

  private settingsOf(partner: string): Record<string, string> {
    switch (partner) {
      case 'POLITIE-OB':
        return {
          CONNECTOR_CORV_INBOX: this.corvInbox.directory,
          CONNECTOR_ZSM_INBOX: this.zsmInbox.directory,
          CONNECTOR_ZSM_COLUMN_MAP: path.join(ROOT, 'deploy/zsm-kolommen/oost-brabant.yaml'),
        };
      case 'VT-ZOB':
        return {
          ...this.outboxes['VT-ZOB'].settings(),
          CONNECTOR_EXPORT_INBOX: this.exportInbox.directory,
          CONNECTOR_EXPORT_CSV_MAP: path.join(
            ROOT,
            'deploy/export-kolommen/vt-veiligheidsbeoordeling.yaml',
          ),
        };
      default:
        return this.outboxes['VT-BNO'].settings();
    }
  }

  connector(partner: string): ConnectorProcess {
    const connector = this.connectors.get(partner);
    if (!connector) throw new Error(`no connector for ${partner} in this chain`);
    return connector;
  }

  get watcher(): DeliveryWatcher {
    return this.running.watcher!;
  }

  /** A polite stop of every connector; each must end cleanly. */
  async stop(): Promise<void> {
    for (const connector of this.connectors.values())
      expect(await connector.kill('SIGTERM')).toEqual({ code: 0, signal: null });
  }
}
