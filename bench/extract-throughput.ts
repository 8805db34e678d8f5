import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Kafka } from 'kafkajs';
import {
  CLOUDEVENTS_HEADERS,
  ContractValidator,
  formatContractError,
  hubDocumentTypeOf,
  submissionEvent,
} from '@samenloop/contracts';
import { ConnectorFolder, reportCounts } from '@samenloop/partner-side';
import { loadColumnMap } from '../apps/connector/src/tabular/column-map';
import { readTabularFile } from '../apps/connector/src/tabular/tabular-file';
import { createConnectorCredentials } from '../test/support/connector-credentials';
import { ConnectorProcess } from '../test/support/connector-process';
import { registry } from '../test/support/partner-kit';
import { ZsmExtract } from '../test/support/zsm-extract';
import { traceIdOf } from './bench-submissions';
import type { HubUnderLoad } from './hub-under-load';
import { ArrivalRecorder, offerLoad, type OfferedRecord } from './load-generator';

const ROOT = path.resolve(__dirname, '..');
const COLUMN_MAP = path.join(ROOT, 'deploy/zsm-kolommen/oost-brabant.yaml');
/** OM receives every verdachtenmonitor entry (rule `vm.om.inhoud`): one delivery per row. */
const EVERY_ROW_TO = 'OM';
/**
 * Case numbers of their own: no row joins a thread of the other phases or of the other path
 * (the generator's parketnummers stay 6 digits up to case 699,999).
 */
const FILE_CASES = 400_000;
const DIRECT_CASES = 600_000;

export interface ExtractThroughput {
  readonly rows: number;
  /**
   * The extract dropped in the police connector's ZSM inbox until every row's delivery is on
   * OM's delivery topic: the connector reads, maps, validates, seals and submits each row in a
   * transaction of its own, then the hub. `handledSeconds`: until the file is in processed/.
   */
  readonly throughFile: {
    readonly seconds: number;
    readonly rowsPerSecond: number;
    readonly handledSeconds: number;
  };
  /**
   * The same rows (mapped by the connector's own column map) sealed by the police itself and
   * produced at once, until every delivery is on OM's topic, as the hub phases measure; sealing
   * happens beforehand, as a partner's own tooling would, and is given apart.
   */
  readonly direct: {
    readonly seconds: number;
    readonly rowsPerSecond: number;
    readonly sealingSeconds: number;
    readonly rowsPerSecondIncludingSealing: number;
  };
}

/**
 * Rows per second from a ZSM verdachtenmonitor extract file to the deliveries, against the direct
 * Kafka path, on the same hub in the same run. Runs before the hub's load phases; OM's
 * deliveries of earlier phases are older than this phase and not counted.
 */
export async function measureExtractThroughput(
  hub: HubUnderLoad,
  kafka: Kafka,
  rows: number,
): Promise<ExtractThroughput> {
  const since = Date.now();
  const recorder = await ArrivalRecorder.start(
    kafka,
    [hub.scenario.topics.delivery(EVERY_ROW_TO)],
    (message) =>
      hubDocumentTypeOf(message.headers) === 'delivery' && Number(message.timestamp) >= since
        ? traceIdOf(message.headers?.[CLOUDEVENTS_HEADERS.traceparent]?.toString())
        : undefined,
  );
  try {
    const throughFile = await throughTheFile(hub, recorder, rows);
    const direct = await directly(hub, kafka, recorder, rows);
    return { rows, throughFile, direct };
  } finally {
    await recorder.stop();
  }
}

async function throughTheFile(
  hub: HubUnderLoad,
  recorder: ArrivalRecorder,
  rows: number,
): Promise<ExtractThroughput['throughFile']> {
  const inbox = mkdtempSync(path.join(os.tmpdir(), 'samenloop-bench-zsm-in-'));
  const police = await ConnectorProcess.create(
    hub.scenario,
    'POLITIE-OB',
    await createConnectorCredentials(),
    {
      mode: 'mtls',
      settings: { CONNECTOR_ZSM_INBOX: inbox, CONNECTOR_ZSM_COLUMN_MAP: COLUMN_MAP },
    },
  );
  await police.start();
  try {
    const extract = ZsmExtract.generate({ firstCase: FILE_CASES, rows });
    const dropped = performance.now();
    const file = await new ConnectorFolder(inbox).drop(
      'verdachtenmonitor.csv',
      extract.bytes('windows-1252'),
    );
    const timeoutMs = 120_000 + rows * 200;
    const handled = file.outcome({ timeoutMs }).then((outcome) => {
      // Every handled file has a report beside it; a clean one submitted every row.
      const { summary, problems } = reportCounts(outcome.report);
      if (outcome.outcome !== 'processed' || problems.length > 0 || summary.submitted !== rows)
        throw new Error(`the extract was not processed cleanly: ${outcome.report}`);
      return performance.now();
    });
    // Awaited together: a file handled badly must fail the run, not crash it past its clean-up.
    const [arrivals, handledAt] = await Promise.all([recorder.distinct(rows, timeoutMs), handled]);
    const seconds = (Math.max(...arrivals) - dropped) / 1000;
    return {
      seconds: round(seconds),
      rowsPerSecond: round(rows / seconds),
      handledSeconds: round((handledAt - dropped) / 1000),
    };
  } finally {
    await police.kill('SIGTERM');
    rmSync(inbox, { recursive: true, force: true });
  }
}

async function directly(
  hub: HubUnderLoad,
  kafka: Kafka,
  recorder: ArrivalRecorder,
  rows: number,
): Promise<ExtractThroughput['direct']> {
  const extract = ZsmExtract.generate({ firstCase: DIRECT_CASES, rows });
  const reading = readTabularFile(extract.bytes('windows-1252'), loadColumnMap(COLUMN_MAP), 'auto');
  if (!reading.readable)
    throw new Error(`the generated extract does not read: ${reading.problems.join('; ')}`);
  const source = `urn:nld:oin:${registry.get('POLITIE-OB')!.oin}`;
  const validator = new ContractValidator();
  const sealingStarted = performance.now();
  const records: OfferedRecord[] = [];
  for (const { body, problems } of reading.rows) {
    if (!body) throw new Error(`a generated row does not map: ${problems.join('; ')}`);
    const traceId = randomBytes(16).toString('hex');
    const event = submissionEvent(body, {
      id: randomUUID(),
      source,
      time: new Date().toISOString(),
      traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01`,
    });
    // A row the hub would reject never arrives: say why here rather than time out.
    const checked = validator.validateSubmission(event);
    if (!checked.ok)
      throw new Error(
        `a generated row fails the contract: ${checked.errors.map(formatContractError).join('; ')}`,
      );
    const zaakReferenties = body.zaakReferenties as { zsmZaakId: string };
    records.push({
      traceId,
      ...(await hub.scenario.partners.sealed('POLITIE-OB', event, zaakReferenties.zsmZaakId)),
    });
  }
  const sealingSeconds = (performance.now() - sealingStarted) / 1000;
  const sentAt = new Map<string, number>();
  await offerLoad(kafka, hub.scenario.topics.inbound('POLITIE-OB'), records, 'saturation', sentAt);
  const ids = records.map((record) => record.traceId);
  await recorder.complete(ids, 1, 120_000 + rows * 50);
  const { throughputMsgPerSecond } = recorder.figures('saturation', ids, sentAt);
  const seconds = rows / throughputMsgPerSecond;
  return {
    seconds: round(seconds),
    rowsPerSecond: throughputMsgPerSecond,
    sealingSeconds: round(sealingSeconds),
    rowsPerSecondIncludingSealing: round(rows / (seconds + sealingSeconds)),
  };
}

const round = (value: number) => Number(value.toFixed(1));
