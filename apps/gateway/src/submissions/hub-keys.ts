import type { PgpPrivateKey, PgpPublicKey } from '@samenloop/crypto';

/** The hub's own signing/decryption key and the public key of every partner, parsed once. */
export interface HubKeys {
  readonly hub: PgpPrivateKey;
  readonly partners: ReadonlyMap<string, PgpPublicKey>;
}
