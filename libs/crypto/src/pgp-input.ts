import { EnvelopeError } from './errors';

/** Partners send OpenPGP data armored or binary; which one it is shows in the first bytes. */
export type PgpInput = { readonly armored: string } | { readonly binary: Uint8Array };

const ARMOR_HEADER = '-----BEGIN PGP ';

export function classifyPgpInput(input: string | Uint8Array): PgpInput {
  if (typeof input === 'string') {
    return { armored: input };
  }
  const head = new TextDecoder().decode(input.subarray(0, 64)).trimStart();
  return head.startsWith(ARMOR_HEADER)
    ? { armored: new TextDecoder().decode(input) }
    : { binary: input };
}

export function isEmptyPgpInput(input: string | Uint8Array): boolean {
  return typeof input === 'string' ? input.trim() === '' : input.length === 0;
}

/** openpgp.js types `format: 'binary'` results through optional stream types; check at run time. */
export function asBytes(value: unknown): Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new EnvelopeError('openpgp.js returned a stream where bytes were expected');
  }
  return value;
}
