import type { PgpPrivateKey, PgpPublicKey } from '@samenloop/crypto';

/** The hub's own key, and partners' public keys as far as they are registered and usable. */
export interface HubKeys {
  readonly hub: PgpPrivateKey;
  /**
   * A partner's usable public key, or undefined while none is registered (or it is unusable).
   * Looked up on every use, so a key added while the gateway runs takes effect.
   */
  partner(partnerId: string): Promise<PgpPublicKey | undefined>;
}
