import { DateTime } from 'luxon';
import type { MappedColumn } from './column-map';

export type ConvertedCell =
  | { readonly ok: true; readonly value: unknown }
  /** `expected`: what the cell must hold, for the report; never the cell's text. */
  | { readonly ok: false; readonly expected: string };

/** ZSM and Dutch case systems write local Dutch time; the contract wants an offset. */
const DUTCH_TIME = 'Europe/Amsterdam';
const BOOLEANS = new Map<string, boolean>([
  ['ja', true],
  ['j', true],
  ['waar', true],
  ['1', true],
  ['nee', false],
  ['n', false],
  ['onwaar', false],
  ['0', false],
]);

/** A non-empty, trimmed cell as its column's field value. */
export function convertCell(column: MappedColumn, text: string): ConvertedCell {
  switch (column.conversion) {
    case 'text':
      return { ok: true, value: text };
    case 'boolean': {
      const value = BOOLEANS.get(text.toLowerCase());
      return value === undefined
        ? { ok: false, expected: 'must be ja or nee (or j/n, waar/onwaar, 1/0)' }
        : { ok: true, value };
    }
    case 'integer':
      return /^-?[0-9]{1,15}$/.test(text)
        ? { ok: true, value: Number(text) }
        : { ok: false, expected: 'must be a whole number' };
    case 'date': {
      const format = column.format ?? 'yyyy-MM-dd';
      const date = DateTime.fromFormat(text, format, { zone: DUTCH_TIME });
      return date.isValid
        ? { ok: true, value: date.toISODate() }
        : { ok: false, expected: `must be a date as ${format}` };
    }
    case 'date-time': {
      const time =
        column.format === undefined
          ? DateTime.fromISO(text, { zone: DUTCH_TIME, setZone: true })
          : DateTime.fromFormat(text, column.format, { zone: DUTCH_TIME });
      return time.isValid
        ? { ok: true, value: time.toISO({ suppressMilliseconds: true }) }
        : {
            ok: false,
            expected: `must be a date and time as ${column.format ?? 'ISO 8601 (e.g. 2026-11-24T14:05, Dutch time when it names no offset)'}`,
          };
    }
    case 'value-table': {
      const words = [...(column.values ?? [])];
      const value = words.find(([word]) => word.toLowerCase() === text.toLowerCase())?.[1];
      return value === undefined
        ? {
            ok: false,
            expected: `must be one of: ${words.map(([word]) => `"${word}"`).join(', ')}`,
          }
        : { ok: true, value };
    }
  }
}
