import { randomUUID } from 'node:crypto';

const digits = (count: number) =>
  Array.from({ length: count }, () => Math.floor(Math.random() * 10)).join('');

/** Each case reference kind by its pattern in `schemas/common`, and a fresh value in its format. */
const REFERENCES: readonly { pattern: RegExp; fresh: (value: string) => string }[] = [
  { pattern: /PL[0-9]{2}00-[0-9]{10}/g, fresh: (value) => `${value.slice(0, 7)}${digits(10)}` },
  {
    pattern: /ZSM-[A-Z]{2,4}-[0-9]{4}-[0-9]{6}/g,
    fresh: (value) => `${value.slice(0, -6)}${digits(6)}`,
  },
  {
    pattern: /\b[0-9]{2}\/[0-9]{6}-[0-9]{2}\b/g,
    fresh: (value) => `${value.slice(0, 3)}${digits(6)}${value.slice(-3)}`,
  },
  {
    pattern: /VT-[A-Z]{2,4}-[0-9A-Z-]{4,30}/g,
    fresh: (value) => `${value.slice(0, -4)}${digits(4)}`,
  },
];
const MESSAGE_ID = {
  pattern: /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi,
  fresh: () => randomUUID(),
};

/**
 * Fresh values, in the same format, for every case reference the texts name (with `messageIds`
 * also every UUID, such as a CORV BerichtId), the same value wherever it recurs in any of the
 * texts: each demo run is a case of its own, as the same references would join earlier runs'
 * threads and the same message ids would be taken for repeats.
 */
export function freshCaseReferences(
  texts: readonly string[],
  { messageIds = false }: { messageIds?: boolean } = {},
): (text: string) => string {
  const kinds = messageIds ? [...REFERENCES, MESSAGE_ID] : REFERENCES;
  const replacements = new Map<string, string>();
  for (const { pattern, fresh } of kinds)
    for (const text of texts)
      for (const [value] of text.matchAll(pattern))
        if (!replacements.has(value)) replacements.set(value, fresh(value));
  return (text) =>
    kinds.reduce(
      (result, { pattern }) => result.replace(pattern, (value) => replacements.get(value) ?? value),
      text,
    );
}
