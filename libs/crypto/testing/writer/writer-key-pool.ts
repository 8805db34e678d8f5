import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  readKey,
  readPrivateKey as readOpenpgpPrivateKey,
  type Key,
  type PrivateKey,
} from 'openpgp';
import {
  readPrivateKey,
  readPublicKey,
  type PgpPrivateKey,
  type PgpPublicKey,
} from '@samenloop/crypto';

/*
 * Synthetic keys of every shape the hub's writer must handle, generated once by
 * `generate-writer-key-pool.ts` (RSA 4096 and GnuPG keys take seconds to make) and stored in
 * `writer-key-pool.synthetic.json`. They protect nothing: test use only.
 */

export const WRITER_KEY_POOL_FILE = join(__dirname, 'writer-key-pool.synthetic.json');

/** One pool key as stored: the armored pair and what a correct writer must select from it. */
export interface WriterPoolKeyRecord {
  readonly label: string;
  readonly algorithm: 'curve25519' | 'rsa';
  readonly maker: 'openpgp.js' | 'gnupg';
  /** Whether the property tests draw it as the signer too. */
  readonly signer: boolean;
  /** Upper-case hex. */
  readonly fingerprint: string;
  /** The key id (16 hex, lower case) of the encryption subkey a writer must encrypt to. */
  readonly encryptionKeyId: string;
  /** The key id of the (sub)key that must sign: not the primary when a signing subkey exists. */
  readonly signingKeyId: string;
  readonly publicKeyArmored: string;
  readonly privateKeyArmored: string;
}

/** A pool key parsed twice: by the lib under test, and by openpgp.js directly as the reader. */
export interface WriterPoolKey extends WriterPoolKeyRecord {
  readonly publicKey: PgpPublicKey;
  readonly privateKey: PgpPrivateKey;
  readonly reader: { readonly publicKey: Key; readonly privateKey: PrivateKey };
}

export async function loadWriterKeyPool(): Promise<readonly WriterPoolKey[]> {
  const records = JSON.parse(await readFile(WRITER_KEY_POOL_FILE, 'utf8')) as {
    keys: WriterPoolKeyRecord[];
  };
  return Promise.all(
    records.keys.map(async (record) => ({
      ...record,
      publicKey: await readPublicKey(record.publicKeyArmored),
      privateKey: await readPrivateKey(record.privateKeyArmored),
      reader: {
        publicKey: await readKey({ armoredKey: record.publicKeyArmored }),
        privateKey: await readOpenpgpPrivateKey({ armoredKey: record.privateKeyArmored }),
      },
    })),
  );
}
