import type {
  KeyProblemKind,
  PgpPrivateKey,
  PgpPublicKey,
  Pseudonyms,
  RecordMac,
  StateSeal,
} from '@samenloop/crypto';
import type { KeyPseudonym } from '@samenloop/messaging';

/**
 * Why a partner has no usable key, as receipts and audit records name it. `sleutel-niet-vastgelegd`:
 * the keys folder holds a key the partner registry's pins do not vouch for, for that partner.
 */
export type KeyProblem =
  | 'sleutel-ontbreekt'
  | 'sleutel-niet-vastgelegd'
  | 'sleutel-verlopen'
  | 'sleutel-ingetrokken'
  | 'sleutel-onbruikbaar';

/** How the crypto library's kinds of key problem are named to partners. */
export const KEY_PROBLEM_OF_KIND = {
  revoked: 'sleutel-ingetrokken',
  expired: 'sleutel-verlopen',
  unusable: 'sleutel-onbruikbaar',
} as const satisfies Record<KeyProblemKind, KeyProblem>;

/** A partner's key as the hub can use it at one moment. */
export type PartnerKeyState =
  | { readonly usable: true; readonly key: PgpPublicKey }
  | {
      readonly usable: false;
      readonly problem: KeyProblem;
      /** What the operator or partner must do, naming the key by fingerprint, never content. */
      readonly explanation: string;
    };

/** The hub's own key, and partners' public keys as far as they are registered and usable. */
export interface HubKeys {
  readonly hub: PgpPrivateKey;
  /** What the hub keeps for itself — deliveries waiting for a key — is encrypted to this. */
  readonly hubPublic: PgpPublicKey;
  /** Keyed pseudonyms from the hub secret: case references in the state, data subjects in the audit. */
  readonly pseudonyms: Pseudonyms;
  /** Seals what the hub keeps on its compacted state topics, with a key from the hub secret. */
  readonly stateSeal: StateSeal;
  /** Authenticates the records the hub writes for itself alone (clock ticks, hub events). */
  readonly recordMac: RecordMac;
  /**
   * A partner's key at `at`. Looked up on every use: a key registered, replaced, revoked or
   * expiring while the gateway runs takes effect with the next message.
   */
  partner(partnerId: string, at: Date): Promise<PartnerKeyState>;
}

/** What the hub keys its records by instead of a sender's record key, which may name a case. */
export function recordKeyPseudonym(keys: Pick<HubKeys, 'pseudonyms'>): KeyPseudonym {
  return (key) => keys.pseudonyms.of('record-key', key);
}
