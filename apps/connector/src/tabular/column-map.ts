import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { SCHEMA_CATALOGUE } from '@samenloop/contracts';
import { StartupError } from '@samenloop/errors';

/** How a cell's text becomes a field value. */
export type CellConversion = 'text' | 'boolean' | 'date' | 'date-time' | 'integer' | 'value-table';

/** One column of the file and where its value goes in the submission body. */
export interface MappedColumn {
  /** The column's name in the header row. */
  readonly name: string;
  /** JSON pointers into the body: `/payload/…`, `/zaakReferenties/<kind>` or `/occurredAt`. */
  readonly targets: readonly string[];
  /** The header must have the column and every row a value in it. */
  readonly required: boolean;
  readonly conversion: CellConversion;
  /** `date`, `date-time`: the cell's format in luxon tokens (e.g. `dd-MM-yyyy HH:mm`); ISO 8601 when absent. */
  readonly format?: string;
  /** `value-table`: the file's words (compared without regard to case) and the contract's values. */
  readonly values?: ReadonlyMap<string, string>;
}

/** How a region's or system's CSV export maps onto submissions of one message type. */
export interface ColumnMap {
  /** The map's file, for messages. */
  readonly source: string;
  /** The message type, e.g. `verdachtenmonitor-entry`. */
  readonly type: string;
  readonly delimiter: string;
  readonly columns: readonly MappedColumn[];
  /** Fields the file does not hold, the same for every row; columns fill in over them. */
  readonly constants: readonly { readonly target: string; readonly value: unknown }[];
}

const TARGET = /^\/(payload(\/[^/]+)+|zaakReferenties\/[A-Za-z]+|occurredAt)$/;
const target = z
  .string()
  .regex(TARGET, 'must be /payload/<field path>, /zaakReferenties/<kind> or /occurredAt');
const CONVERSIONS = ['text', 'boolean', 'date', 'date-time', 'integer', 'value-table'] as const;

const columnSchema = z
  .object({
    target: z.union([target, z.array(target).min(1)]),
    required: z.boolean().default(false),
    as: z.enum(CONVERSIONS).default('text'),
    format: z.string().min(1).optional(),
    values: z.record(z.string().min(1), z.string().min(1)).optional(),
  })
  .strict()
  .superRefine((column, context) => {
    if (column.as === 'value-table' && column.values === undefined)
      context.addIssue({
        code: 'custom',
        path: ['values'],
        message: 'is required with as: value-table',
      });
    if (column.as !== 'value-table' && column.values !== undefined)
      context.addIssue({
        code: 'custom',
        path: ['values'],
        message: 'is only for as: value-table',
      });
    if (column.format !== undefined && column.as !== 'date' && column.as !== 'date-time')
      context.addIssue({
        code: 'custom',
        path: ['format'],
        message: 'is only for as: date or date-time',
      });
  });

const mapSchema = z
  .object({
    type: z.string().refine((type) => SCHEMA_CATALOGUE.some((entry) => entry.name === type), {
      message: `must be a message type: ${SCHEMA_CATALOGUE.map((entry) => entry.name).join(', ')}`,
    }),
    delimiter: z.string().length(1).default(';'),
    columns: z.record(z.string().trim().min(1), columnSchema),
    constants: z.record(target, z.unknown()).default({}),
  })
  .strict();

/** The column map is not usable: every problem, one a line. */
export class ColumnMapError extends StartupError {
  constructor(source: string, problems: readonly string[]) {
    super(`Invalid column map ${source}`, problems, {
      hint: 'deploy/zsm-kolommen/README.md describes the format.',
    });
  }
}

/** Reads and checks a column map file (YAML); a map that is not usable is a `ColumnMapError`. */
export function loadColumnMap(file: string): ColumnMap {
  let text: string;
  try {
    text = readFileSync(file, 'utf-8');
  } catch (error) {
    throw new ColumnMapError(file, [`cannot be read: ${(error as Error).message}`]);
  }
  return parseColumnMap(text, file);
}

export function parseColumnMap(text: string, source: string): ColumnMap {
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new ColumnMapError(source, [`is not YAML: ${(error as Error).message}`]);
  }
  const parsed = mapSchema.safeParse(document);
  if (!parsed.success)
    throw new ColumnMapError(
      source,
      parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`),
    );
  const columns = Object.entries(parsed.data.columns).map(([name, column]): MappedColumn => ({
    name: name.trim(),
    targets: typeof column.target === 'string' ? [column.target] : column.target,
    required: column.required,
    conversion: column.as,
    ...(column.format !== undefined && { format: column.format }),
    ...(column.values !== undefined && {
      values: new Map(Object.entries(column.values).map(([word, value]) => [word.trim(), value])),
    }),
  }));
  const constants = Object.entries(parsed.data.constants).map(([target, value]) => ({
    target,
    value,
  }));
  const problems = completenessProblems(columns, constants);
  if (problems.length > 0) throw new ColumnMapError(source, problems);
  return {
    source,
    type: parsed.data.type,
    delimiter: parsed.data.delimiter,
    columns,
    constants,
  };
}

/** What every submission needs from the map, whatever its type: when, and a case to file it under. */
function completenessProblems(
  columns: readonly MappedColumn[],
  constants: readonly { readonly target: string }[],
): string[] {
  const targets = [
    ...columns.flatMap((column) => column.targets),
    ...constants.map((c) => c.target),
  ];
  const problems: string[] = [];
  if (!targets.includes('/occurredAt'))
    problems.push('no column or constant fills /occurredAt (when the event happened)');
  if (!targets.some((t) => t.startsWith('/zaakReferenties/')))
    problems.push(
      'no column or constant fills a /zaakReferenties/<kind> (the case to file rows under)',
    );
  const seen = new Map<string, string>();
  for (const column of columns)
    for (const t of column.targets) {
      const other = seen.get(t);
      if (other !== undefined)
        problems.push(`columns.${column.name}: fills ${t}, as ${other} does`);
      seen.set(t, column.name);
    }
  return problems;
}
