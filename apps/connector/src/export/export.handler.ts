import { createHash } from 'node:crypto';
import path from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { PartnerKeys } from '@samenloop/partner-side';
import type { ConnectorSettings, CsvEncoding } from '../config/connector-settings';
import { CONNECTOR_SETTINGS, PARTNER_KEYS } from '../connector.tokens';
import type { DroppedFile, FileHandler, FileOutcome } from '../files/file-handler';
import { IdempotencyFingerprints } from '../submissions/idempotency';
import {
  problemErrorOf,
  SUBMISSION_FIELDS,
  type SubmissionBody,
} from '../submissions/submission-event';
import { InvalidSubmissionError, SubmissionService } from '../submissions/submission.service';
import { submissionTraceparent } from '../submissions/traceparent';
import { ColumnMapError, loadColumnMap, type ColumnMap } from '../tabular/column-map';
import { inParallel, ROWS_IN_FLIGHT } from '../tabular/in-parallel';
import { readTabularFile, rowContractProblems, type TabularRow } from '../tabular/tabular-file';

/**
 * A case system's export (a VT system's veiligheidsbeoordeling, say): a `.json` file is one
 * submission body as `POST /v1/berichten` takes it; a `.csv` file, with a column map, one per row.
 */
@Injectable()
export class ExportHandler implements FileHandler {
  readonly kind = 'export';
  private readonly logger = new Logger(ExportHandler.name);
  private readonly csvMap: ColumnMap | undefined;
  private readonly encoding: CsvEncoding;
  private readonly fingerprints: IdempotencyFingerprints;

  constructor(
    @Inject(CONNECTOR_SETTINGS) settings: ConnectorSettings,
    @Inject(PARTNER_KEYS) keys: PartnerKeys,
    private readonly submissions: SubmissionService,
  ) {
    const exports = settings.files.export;
    if (exports === undefined)
      throw new ColumnMapError('(none)', [
        'CONNECTOR_EXPORT_INBOX is not set: leave the export adapter out',
      ]);
    this.csvMap = exports.csvMapFile === undefined ? undefined : loadColumnMap(exports.csvMapFile);
    this.encoding = exports.encoding;
    this.fingerprints = new IdempotencyFingerprints(keys.privateArmored);
  }

  async handle(file: DroppedFile): Promise<FileOutcome> {
    const extension = path.extname(file.name).toLowerCase();
    if (extension === '.json') return this.handleJson(file.bytes);
    if (extension === '.csv' && this.csvMap !== undefined) return this.handleCsv(file, this.csvMap);
    return {
      status: 'error',
      problems: [
        extension === '.csv'
          ? 'a .csv export needs a column map (CONNECTOR_EXPORT_CSV_MAP); without one this inbox takes .json files only'
          : `this inbox takes .json files (a submission body as POST /v1/berichten takes it)${this.csvMap === undefined ? '' : ' and .csv files (rows as the column map maps them)'}`,
      ],
    };
  }

  private async handleJson(bytes: Buffer): Promise<FileOutcome> {
    let body: unknown;
    try {
      body = JSON.parse(bytes.toString('utf-8'));
    } catch {
      // JSON.parse's message quotes the text around the error: not for a report.
      return { status: 'error', problems: ['the file is not JSON (UTF-8)'] };
    }
    const shapeProblems = submissionShapeProblems(body);
    if (shapeProblems.length > 0) return { status: 'error', problems: shapeProblems };
    const key = `export:${createHash('sha256').update(bytes).digest('hex')}`;
    try {
      const { repeated } = await this.submissions.submit(
        body as SubmissionBody,
        key,
        submissionTraceparent(undefined),
      );
      return {
        status: 'processed',
        summary: { submitted: repeated ? 0 : 1, repeated: repeated ? 1 : 0 },
        problems: [],
      };
    } catch (error) {
      if (!(error instanceof InvalidSubmissionError)) throw error;
      return { status: 'error', problems: error.errors.map((e) => problemErrorOf(e).detail) };
    }
  }

  private async handleCsv(file: DroppedFile, map: ColumnMap): Promise<FileOutcome> {
    const reading = readTabularFile(file.bytes, map, this.encoding);
    if (!reading.readable) return { status: 'error', problems: reading.problems };
    const count = { rows: reading.rows.length, submitted: 0, repeated: 0, rejected: 0 };
    const problems = new Map<TabularRow, readonly string[]>();
    await inParallel(reading.rows, ROWS_IN_FLIGHT, async (row) => {
      if (row.body === undefined) {
        count.rejected++;
        problems.set(row, row.problems);
        return;
      }
      // The same row in a later export is the same message: submitted once.
      const key = `export-row:${this.fingerprints.requestHash(row.body)}`;
      try {
        const { repeated } = await this.submissions.submit(
          row.body,
          key,
          submissionTraceparent(undefined),
        );
        count[repeated ? 'repeated' : 'submitted']++;
      } catch (error) {
        if (!(error instanceof InvalidSubmissionError)) throw error;
        count.rejected++;
        problems.set(row, rowContractProblems(row, error.errors, map));
      }
    });
    this.logger.log({ kind: this.kind, ...count }, 'export handled');
    return {
      status: 'processed',
      summary: count,
      problems: reading.rows.flatMap((row) => problems.get(row) ?? []),
    };
  }
}

/** What the contract validator cannot say: the file must be a submission body, not a CloudEvent. */
function submissionShapeProblems(body: unknown): string[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return [`the file must hold one JSON object with the fields ${SUBMISSION_FIELDS.join(', ')}`];
  return Object.keys(body)
    .filter((name) => !SUBMISSION_FIELDS.includes(name))
    .map(
      (name) => `/${name}: is not a field of a submission; fields: ${SUBMISSION_FIELDS.join(', ')}`,
    );
}
