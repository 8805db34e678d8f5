import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { HubSecret } from './hub-secret';

const VERSION = 's1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A sealed value that does not open: tampered with, or sealed under another hub secret. */
export class StateSealError extends Error {
  readonly retriable = false;
  constructor(message: string) {
    super(message);
    this.name = 'StateSealError';
  }
}

/**
 * Seals what the hub keeps for itself on its compacted state topics (AES-256-GCM with a key from
 * the hub secret): written and read by the hub alone, and on every message, so a symmetric seal,
 * not OpenPGP. `context` (e.g. the record key) is bound to the seal: a value moved to another key
 * does not open.
 */
export class StateSeal {
  private readonly key: Buffer;

  constructor(secret: HubSecret) {
    this.key = secret.derive('state-seal');
  }

  /** Whether a value is in the sealed form at all (a state written before sealing is not). */
  static isSealed(value: string): boolean {
    return value.startsWith(`${VERSION}.`);
  }

  seal(plaintext: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv).setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, iv, body, cipher.getAuthTag()]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  open(sealed: string, context: string): string {
    const [version, iv, body, tag] = sealed.split('.');
    if (version !== VERSION || iv === undefined || body === undefined || tag === undefined)
      throw new StateSealError(`not a sealed state value (expected ${VERSION}.<iv>.<body>.<tag>)`);
    const ivBytes = Buffer.from(iv, 'base64url');
    const tagBytes = Buffer.from(tag, 'base64url');
    if (ivBytes.length !== IV_BYTES || tagBytes.length !== TAG_BYTES)
      throw new StateSealError('a sealed state value with a malformed iv or tag');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, ivBytes)
        .setAAD(Buffer.from(context))
        .setAuthTag(tagBytes);
      return Buffer.concat([
        decipher.update(Buffer.from(body, 'base64url')),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      throw new StateSealError(
        'a sealed state value does not open: altered, moved to another key, or sealed under another hub secret',
      );
    }
  }
}
