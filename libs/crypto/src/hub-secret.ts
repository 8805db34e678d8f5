import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

const SECRET_BYTES = 32;

/**
 * The hub's own secret, kept beside its private key: from it come the keys of what the hub writes
 * for itself alone — keyed pseudonyms (case references in the case state, data subjects in the
 * audit), the sealing of its compacted state and the MAC of its clock ticks and hub events. Losing it makes those unreadable; leaking it lets
 * a reader of the topics test guesses against the pseudonyms, so it is guarded like the hub key.
 */
export class HubSecret {
  private constructor(private readonly secret: Buffer) {}

  /** Reads `<dir>/hub/secret.key` (base64); undefined when there is none. */
  static async read(file: string): Promise<HubSecret | undefined> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    const secret = Buffer.from(text.trim(), 'base64');
    if (secret.length !== SECRET_BYTES)
      throw new Error(
        `${file} must hold ${SECRET_BYTES} random bytes in base64; it holds ${secret.length}`,
      );
    return new HubSecret(secret);
  }

  /** Writes a new random secret, readable by its owner only. */
  static async create(file: string): Promise<void> {
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    await writeFile(file, `${randomBytes(SECRET_BYTES).toString('base64')}\n`, {
      mode: 0o600,
      flag: 'wx',
    });
  }

  /** A key of its own per use, so a pseudonym never doubles as an encryption key or a MAC key. */
  derive(use: 'pseudonyms' | 'state-seal' | 'record-mac'): Buffer {
    return Buffer.from(hkdfSync('sha256', this.secret, Buffer.alloc(0), `samenloop ${use} v1`, 32));
  }
}

/** What a pseudonym stands for; the same value in two domains gives two unrelated pseudonyms. */
export type PseudonymDomain = 'case-reference' | 'record-key' | 'bsn' | 'person';

/**
 * Keyed pseudonyms (HMAC-SHA-256 with a key from the hub secret): the same value always gives the
 * same pseudonym, so the hub can look things up by it, but without the secret nobody can tell
 * which value it stands for — not even by trying every BSN.
 */
export class Pseudonyms {
  private readonly key: Buffer;

  constructor(secret: HubSecret) {
    this.key = secret.derive('pseudonyms');
  }

  /** A string counts by its UTF-8 bytes: the same text gives the same pseudonym as its bytes. */
  of(domain: PseudonymDomain, value: string | Buffer): string {
    return createHmac('sha256', this.key)
      .update(domain)
      .update('\0')
      .update(value)
      .digest('base64url');
  }
}
