import path from 'node:path';
import { CsvError, parse, type CsvErrorCode } from 'csv-parse/sync';
import type { ContractError } from '@samenloop/contracts';
import type { CsvEncoding } from '../config/connector-settings';
import { problemErrorOf, type SubmissionBody } from '../submissions/submission-event';
import { convertCell } from './cell-conversion';
import type { ColumnMap } from './column-map';
import { csvText } from './csv-text';

/** One data row: the submission body it maps to, or what is wrong with it (then no body). */
export interface TabularRow {
  /** Where the row starts in the file (the header is line 1). */
  readonly line: number;
  readonly body?: SubmissionBody;
  readonly problems: readonly string[];
}

export type TabularReading =
  | { readonly readable: true; readonly rows: readonly TabularRow[] }
  /** Nothing of the file can be used: no header, another delimiter, columns missing, broken quoting. */
  | { readonly readable: false; readonly problems: readonly string[] };

interface ParsedRecord {
  readonly record: string[];
  readonly info: { readonly lines: number };
}

/**
 * Reads a CSV export with its column map: each row becomes a submission body of the map's type.
 * Empty cells leave their field out; problems name the line and column and what is expected,
 * never a cell's text.
 */
export function readTabularFile(
  bytes: Buffer,
  map: ColumnMap,
  encoding: CsvEncoding,
): TabularReading {
  // csv-parse counts a CRLF inside a quoted cell as two lines; one line break keeps lines true.
  const text = csvText(bytes, encoding).replace(/\r\n/g, '\n');
  let records: ParsedRecord[];
  try {
    // `info` makes each record `{ record, info }`, which the typings of the sync API leave out.
    records = parse(text, {
      delimiter: map.delimiter,
      info: true,
      trim: true,
      skip_empty_lines: true,
      skip_records_with_empty_values: true,
      relax_column_count: true,
    }) as unknown as ParsedRecord[];
  } catch (error) {
    if (error instanceof CsvError) return { readable: false, problems: [csvProblem(error)] };
    throw error;
  }
  const [header, ...data] = records;
  if (header === undefined)
    return {
      readable: false,
      problems: ['the file is empty: expected a header row with the column names'],
    };
  const headerProblems = checkHeader(header.record, map);
  if (headerProblems.length > 0) return { readable: false, problems: headerProblems };
  const columnIndex = new Map(header.record.map((name, index) => [name, index]));
  return {
    readable: true,
    rows: data.map(({ record, info }) =>
      mapRow(record, startLine(record, info.lines), header.record.length, columnIndex, map),
    ),
  };
}

/** A row's contract errors, each prefixed with where in the file it comes from. */
export function rowContractProblems(
  row: TabularRow,
  errors: readonly ContractError[],
  map: ColumnMap,
): string[] {
  return errors.map((error) => {
    const { detail, pointer } = problemErrorOf(error);
    const column = map.columns.find((c) => pointer !== undefined && c.targets.includes(pointer));
    return column === undefined
      ? `line ${row.line}: ${detail}`
      : `line ${row.line}, column "${column.name}": ${detail}`;
  });
}

function checkHeader(header: readonly string[], map: ColumnMap): string[] {
  const problems: string[] = [];
  const twice = header.filter((name, index) => name !== '' && header.indexOf(name) !== index);
  for (const name of new Set(twice)) problems.push(`the header names column "${name}" twice`);
  const missing = map.columns.filter((c) => c.required && !header.includes(c.name));
  if (missing.length > 0) {
    problems.push(
      `the header lacks required columns: ${missing.map((c) => `"${c.name}"`).join(', ')} (column map ${path.basename(map.source)})`,
    );
    if (header.length === 1)
      problems.push(
        `the header has one column: the columns must be separated by "${map.delimiter}"`,
      );
  }
  return problems;
}

function mapRow(
  record: readonly string[],
  line: number,
  width: number,
  columnIndex: ReadonlyMap<string, number>,
  map: ColumnMap,
): TabularRow {
  if (record.length !== width)
    return {
      line,
      problems: [`line ${line}: has ${record.length} cells where the header has ${width}`],
    };
  const tree: Record<string, unknown> = {};
  for (const { target, value } of map.constants) setAt(tree, target, structuredClone(value));
  const problems: string[] = [];
  for (const column of map.columns) {
    const index = columnIndex.get(column.name);
    const cell = index === undefined ? '' : (record[index] ?? '');
    if (cell === '') {
      if (column.required)
        problems.push(`line ${line}, column "${column.name}": is empty; a value is required`);
      continue;
    }
    const converted = convertCell(column, cell);
    if (!converted.ok) {
      problems.push(`line ${line}, column "${column.name}": ${converted.expected}`);
      continue;
    }
    for (const target of column.targets) setAt(tree, target, converted.value);
  }
  if (problems.length > 0) return { line, problems };
  return { line, body: { type: map.type, ...withoutHoles(tree) }, problems };
}

/** Sets a value at a JSON pointer, making objects (and arrays for numeric segments) on the way. */
function setAt(tree: Record<string, unknown>, pointer: string, value: unknown): void {
  const segments = pointer.slice(1).split('/');
  let node: Record<string, unknown> | unknown[] = tree;
  segments.forEach((segment, depth) => {
    const next = segments[depth + 1];
    const slot = node as Record<string, unknown>;
    if (next === undefined) {
      slot[segment] = value;
      return;
    }
    slot[segment] ??= /^[0-9]+$/.test(next) ? [] : {};
    node = slot[segment] as Record<string, unknown> | unknown[];
  });
}

/** Numbered columns (`Risicofactor 1`, `Risicofactor 2`) left empty leave no gaps in the list. */
function withoutHoles(value: unknown): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify(value, (_key, nested: unknown) =>
      Array.isArray(nested) ? nested.filter((item) => item !== undefined && item !== null) : nested,
    ),
  ) as Record<string, unknown>;
}

/** csv-parse counts lines to a record's end; a quoted cell may span lines. */
function startLine(record: readonly string[], endLine: number): number {
  return endLine - record.reduce((breaks, cell) => breaks + (cell.match(/\n/g)?.length ?? 0), 0);
}

/** csv-parse's own messages quote the file's text; ours name the line only. */
const CSV_PROBLEMS: Partial<Record<CsvErrorCode, string>> = {
  CSV_QUOTE_NOT_CLOSED: 'a quoted cell is not closed (a " is missing)',
  CSV_INVALID_CLOSING_QUOTE:
    'a quoted cell\'s closing " is followed by more text instead of the delimiter',
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE:
    'a quoted cell\'s closing " is followed by more text instead of the delimiter',
  INVALID_OPENING_QUOTE: 'a " opens a quote in the middle of a cell',
};

function csvProblem(error: CsvError): string {
  const line = (error as CsvError & { lines?: number }).lines;
  const where = line === undefined ? 'the file' : `line ${line}`;
  return `${where}: ${CSV_PROBLEMS[error.code] ?? `cannot be read as CSV (${error.code})`}`;
}
