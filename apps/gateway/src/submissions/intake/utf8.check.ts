import { SubmissionRejected } from '../errors/submission-rejected';
import { established, messageIdOf, type IntakeCheck } from './intake-state';

// Fatal: invalid bytes must not become U+FFFD, or the text routed would differ from the bytes signed.
// The BOM is kept, so that JSON.parse refuses it as before (RFC 8259 §8.1: JSON text has no BOM).
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The decrypted submission as text; one that is not UTF-8 throughout is refused as not JSON. */
export const utf8Text: IntakeCheck = (state) => {
  const plaintext = established(state, 'plaintext');
  try {
    return { ...state, text: UTF8.decode(plaintext) };
  } catch {
    throw new SubmissionRejected(
      'validate',
      [
        {
          code: 'not-json',
          message: `the decrypted submission is not valid UTF-8 at byte ${firstInvalidUtf8Byte(plaintext)}; JSON is UTF-8 (RFC 8259 §8.1), and the hub routes exactly the text that was signed`,
        },
      ],
      { messageId: messageIdOf(plaintext), senderVerified: true },
    );
  }
};

/**
 * The offset of the first byte that starts no well-formed UTF-8 sequence (Unicode Table 3-7: no
 * overlong forms, no surrogates, nothing above U+10FFFF), or -1. Only run on a value the decoder
 * refused, to say where.
 */
export function firstInvalidUtf8Byte(bytes: Uint8Array): number {
  let at = 0;
  while (at < bytes.length) {
    const lead = bytes[at]!;
    if (lead < 0x80) {
      at += 1;
      continue;
    }
    const sequence = utf8Sequence(lead);
    if (!sequence || at + sequence.length > bytes.length) return at;
    const second = bytes[at + 1]!;
    if (second < sequence.low || second > sequence.high) return at;
    for (let next = at + 2; next < at + sequence.length; next += 1) {
      const byte = bytes[next]!;
      if (byte < 0x80 || byte > 0xbf) return at;
    }
    at += sequence.length;
  }
  return -1;
}

/** A lead byte's sequence length and the range of its second byte (Table 3-7); undefined: no lead. */
function utf8Sequence(lead: number): { length: number; low: number; high: number } | undefined {
  if (lead >= 0xc2 && lead <= 0xdf) return { length: 2, low: 0x80, high: 0xbf };
  if (lead === 0xe0) return { length: 3, low: 0xa0, high: 0xbf };
  if (lead === 0xed) return { length: 3, low: 0x80, high: 0x9f };
  if (lead >= 0xe1 && lead <= 0xef) return { length: 3, low: 0x80, high: 0xbf };
  if (lead === 0xf0) return { length: 4, low: 0x90, high: 0xbf };
  if (lead >= 0xf1 && lead <= 0xf3) return { length: 4, low: 0x80, high: 0xbf };
  if (lead === 0xf4) return { length: 4, low: 0x80, high: 0x8f };
  return undefined;
}
