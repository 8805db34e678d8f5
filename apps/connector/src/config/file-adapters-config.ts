import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import type { ConnectorFileAdapters, CsvEncoding } from './connector-settings';

type RawEnvironment = Readonly<Record<string, string | undefined>>;

const ENCODINGS: readonly CsvEncoding[] = ['auto', 'utf-8', 'windows-1252'];
const OUTBOX_FORMATS = ['json', 'xml'] as const;

/**
 * The file adapters' settings (`CONNECTOR_CORV_INBOX`, `CONNECTOR_ZSM_*`, `CONNECTOR_EXPORT_*`,
 * `CONNECTOR_OUTBOX*`), with every problem added to `problems`: folders must exist and be
 * writable (files are moved and written there), maps readable, and documents go either to a
 * webhook or to an outbox, since each hands a document over and acknowledges it.
 */
export function fileAdaptersOf(env: RawEnvironment, problems: string[]): ConnectorFileAdapters {
  const set = (name: string) => (env[name] === '' ? undefined : env[name]);
  const folder = (name: string) => {
    const value = set(name);
    if (value !== undefined) checkWritableFolder(name, value, problems);
    return value === undefined ? undefined : path.resolve(value);
  };
  const readable = (name: string) => {
    const value = set(name);
    if (value === undefined) return undefined;
    try {
      accessSync(value, constants.R_OK);
    } catch {
      problems.push(`${name}: ${value} is missing or unreadable`);
    }
    return path.resolve(value);
  };
  const encoding = (name: string): CsvEncoding => {
    const value = set(name) ?? 'auto';
    if ((ENCODINGS as readonly string[]).includes(value)) return value as CsvEncoding;
    problems.push(`${name}: must be one of ${ENCODINGS.join(', ')}`);
    return 'auto';
  };

  const corvInbox = folder('CONNECTOR_CORV_INBOX');
  const zsmInbox = folder('CONNECTOR_ZSM_INBOX');
  const zsmColumnMap = readable('CONNECTOR_ZSM_COLUMN_MAP');
  const zsmEncoding = encoding('CONNECTOR_ZSM_ENCODING');
  if (zsmInbox !== undefined && zsmColumnMap === undefined)
    problems.push(
      "CONNECTOR_ZSM_COLUMN_MAP: is required with CONNECTOR_ZSM_INBOX: the region's column map, e.g. deploy/zsm-kolommen/oost-brabant.yaml",
    );
  const exportInbox = folder('CONNECTOR_EXPORT_INBOX');
  const exportCsvMap = readable('CONNECTOR_EXPORT_CSV_MAP');
  const exportEncoding = encoding('CONNECTOR_EXPORT_ENCODING');
  const outbox = folder('CONNECTOR_OUTBOX');
  const format = set('CONNECTOR_OUTBOX_FORMAT') ?? 'json';
  if (!(OUTBOX_FORMATS as readonly string[]).includes(format))
    problems.push(`CONNECTOR_OUTBOX_FORMAT: must be one of ${OUTBOX_FORMATS.join(', ')}`);
  if (outbox !== undefined && set('CONNECTOR_WEBHOOK_URL') !== undefined)
    problems.push(
      'CONNECTOR_OUTBOX: set either CONNECTOR_WEBHOOK_URL or CONNECTOR_OUTBOX: each hands every document over and acknowledges it',
    );

  return Object.freeze({
    ...(corvInbox !== undefined && { corvInbox }),
    ...(zsmInbox !== undefined &&
      zsmColumnMap !== undefined && {
        zsmExtract: Object.freeze({
          inbox: zsmInbox,
          columnMapFile: zsmColumnMap,
          encoding: zsmEncoding,
        }),
      }),
    ...(exportInbox !== undefined && {
      export: Object.freeze({
        inbox: exportInbox,
        ...(exportCsvMap !== undefined && { csvMapFile: exportCsvMap }),
        encoding: exportEncoding,
      }),
    }),
    ...(outbox !== undefined && {
      outbox: Object.freeze({ directory: outbox, format: format as 'json' | 'xml' }),
    }),
  });
}

function checkWritableFolder(setting: string, folder: string, problems: string[]): void {
  try {
    if (!statSync(folder).isDirectory()) {
      problems.push(`${setting}: ${folder} is not a folder`);
      return;
    }
    accessSync(folder, constants.W_OK | constants.R_OK);
  } catch {
    problems.push(`${setting}: ${folder} is missing or not writable by the connector`);
  }
}
