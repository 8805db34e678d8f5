import { Inject, Injectable, Logger } from '@nestjs/common';
import type { PartnerKeys } from '@samenloop/partner-side';
import type { ConnectorSettings, CsvEncoding } from '../config/connector-settings';
import { CONNECTOR_SETTINGS, PARTNER_KEYS } from '../connector.tokens';
import type { DroppedFile, FileHandler, FileOutcome } from '../files/file-handler';
import { IdempotencyFingerprints } from '../submissions/idempotency';
import type { SubmissionBody } from '../submissions/submission-event';
import type { StateRecord } from '../submissions/submission.producer';
import { InvalidSubmissionError, SubmissionService } from '../submissions/submission.service';
import { submissionTraceparent } from '../submissions/traceparent';
import { ColumnMapError, loadColumnMap, type ColumnMap } from '../tabular/column-map';
import { inParallel, ROWS_IN_FLIGHT } from '../tabular/in-parallel';
import { readTabularFile, rowContractProblems, type TabularRow } from '../tabular/tabular-file';
import { ZsmExtractMemory } from './zsm-extract-memory';

const ZSM_ZAAK_ID = '/payload/zsmZaakId';

type RowFate = 'submitted' | 'unchanged' | 'rejected';

/**
 * A ZSM verdachtenmonitor extract: each new or changed row becomes a `verdachtenmonitor-entry`.
 * The hub's policy decides which partner sees which row; this adapter never filters.
 */
@Injectable()
export class ZsmExtractHandler implements FileHandler {
  readonly kind = 'zsm-extract';
  private readonly logger = new Logger(ZsmExtractHandler.name);
  private readonly map: ColumnMap;
  private readonly encoding: CsvEncoding;
  private readonly fingerprints: IdempotencyFingerprints;

  constructor(
    @Inject(CONNECTOR_SETTINGS) settings: ConnectorSettings,
    @Inject(PARTNER_KEYS) keys: PartnerKeys,
    private readonly submissions: SubmissionService,
    private readonly memory: ZsmExtractMemory,
  ) {
    const zsm = settings.files.zsmExtract;
    if (zsm === undefined)
      throw new ColumnMapError('(none)', [
        'CONNECTOR_ZSM_INBOX and CONNECTOR_ZSM_COLUMN_MAP are not set: leave the ZSM adapter out',
      ]);
    this.map = loadZsmColumnMap(zsm.columnMapFile);
    this.encoding = zsm.encoding;
    this.fingerprints = new IdempotencyFingerprints(keys.privateArmored);
  }

  async handle(file: DroppedFile): Promise<FileOutcome> {
    await this.memory.ready();
    const reading = readTabularFile(file.bytes, this.map, this.encoding);
    if (!reading.readable) return { status: 'error', problems: reading.problems };
    const problems = new Map<TabularRow, readonly string[]>();
    const count = {
      rows: reading.rows.length,
      submitted: 0,
      unchanged: 0,
      rejected: 0,
      superseded: 0,
    };
    // An extract lists a case once; should it list one twice, the later row is the newer state.
    const latest = new Map<string, { readonly row: TabularRow; readonly body: SubmissionBody }>();
    for (const row of reading.rows) {
      const zsmZaakId = (row.body?.payload as { zsmZaakId?: unknown } | undefined)?.zsmZaakId;
      if (row.body === undefined || typeof zsmZaakId !== 'string') {
        count.rejected++;
        problems.set(row, row.problems);
        continue;
      }
      if (latest.has(zsmZaakId)) count.superseded++;
      latest.set(zsmZaakId, { row, body: row.body });
    }
    await inParallel([...latest], ROWS_IN_FLIGHT, async ([zsmZaakId, { row, body }]) => {
      const { fate, rowProblems } = await this.submitRow(zsmZaakId, row, body);
      count[fate]++;
      problems.set(row, rowProblems);
    });
    this.logger.log({ kind: this.kind, ...count }, 'extract handled');
    return {
      status: 'processed',
      summary: count,
      // In file order, whatever order the rows were submitted in.
      problems: reading.rows.flatMap((row) => problems.get(row) ?? []),
    };
  }

  private async submitRow(
    zsmZaakId: string,
    row: TabularRow,
    body: SubmissionBody,
  ): Promise<{ fate: RowFate; rowProblems: string[] }> {
    const rowHash = this.fingerprints.requestHash(body);
    const earlier = this.memory.recall(zsmZaakId);
    if (earlier?.rowHash === rowHash) return { fate: 'unchanged', rowProblems: [] };
    // The previous message id makes A → B → A send A again; a retry after a crash sends it once.
    const idempotencyKey = `zsm:${zsmZaakId}:${earlier?.messageId ?? 'eerste'}:${rowHash}`;
    let record: StateRecord | undefined;
    try {
      const outcome = await this.submissions.submit(
        body,
        idempotencyKey,
        submissionTraceparent(undefined),
        (messageId) => {
          record = this.memory.record(zsmZaakId, {
            rowHash,
            messageId,
            sentAt: new Date().toISOString(),
          });
          return [record];
        },
      );
      if (outcome.repeated || record === undefined) return { fate: 'unchanged', rowProblems: [] };
      this.memory.remember(record);
      return { fate: 'submitted', rowProblems: [] };
    } catch (error) {
      if (!(error instanceof InvalidSubmissionError)) throw error;
      return { fate: 'rejected', rowProblems: rowContractProblems(row, error.errors, this.map) };
    }
  }
}

function loadZsmColumnMap(file: string): ColumnMap {
  const map = loadColumnMap(file);
  const problems = [
    ...(map.type === 'verdachtenmonitor-entry' ? [] : ['type: must be verdachtenmonitor-entry']),
    ...(map.columns.some((c) => c.required && c.targets.includes(ZSM_ZAAK_ID))
      ? []
      : [`columns: a required column must fill ${ZSM_ZAAK_ID}: the adapter remembers rows by it`]),
  ];
  if (problems.length > 0) throw new ColumnMapError(file, problems);
  return map;
}
