import {
  decryptKey,
  enums,
  readKey,
  readPrivateKey as readOpenpgpPrivateKey,
  type Key,
  type PrivateKey,
  type PublicKey,
  type Subkey,
} from 'openpgp';
import {
  CryptoError,
  EnvelopeError,
  LockedKeyError,
  MalformedKeyError,
  UnusableKeyError,
  type KeyProblemKind,
} from './errors';
import {
  acceptedSessionCiphers,
  nativeRecipient,
  nativeSigner,
  type NativeRecipient,
  type NativeSigner,
  type SessionCipher,
} from './native-writer';
import { nativeDecrypter, type NativeDecrypter } from './native-reader/session-key';
import { nativeVerifier, type NativeVerifier } from './native-reader/signature';
import { HUB_OPENPGP_CONFIG } from './openpgp-config';
import { classifyPgpInput } from './pgp-input';

/** What a partner's public key is needed for: encrypting deliveries to it, verifying its signatures. */
export type PublicKeyUse = 'encrypt' | 'verify';
/** What the hub's (or in tests a partner's) private key is needed for. */
export type PrivateKeyUse = 'sign' | 'decrypt';

/** What the native writer needs to encrypt to a recipient, derived once when its key is read. */
export interface NativeEncryption {
  readonly recipient: NativeRecipient;
  /** The session ciphers the key's preferences allow, most preferred first; never empty. */
  readonly sessionCiphers: readonly SessionCipher[];
}

/**
 * A public key parsed once and checked for the uses it was read for; pass it to every call.
 * Only `readPublicKey` makes these, so holding one means the checks ran.
 */
export class PgpPublicKey {
  constructor(
    /** The parsed openpgp.js key, for callers that need more than this library offers. */
    readonly openpgpKey: PublicKey,
    /** Upper-case hex, as GnuPG prints it. */
    readonly fingerprint: string,
    readonly uses: readonly PublicKeyUse[],
    /** The key's user ids (`Name <email>`), to tell which organisation a key claims to be. */
    readonly userIds: readonly string[],
    /**
     * When the key, or a subkey it selected for its uses, expires; undefined when never. Checking
     * this per use is cheap, where re-verifying the key's signatures per message is not.
     */
    readonly selectedUntil?: Date,
    /** Present when the key was read for 'encrypt'. */
    readonly nativeEncryption?: NativeEncryption,
    /** Present when the key was read for 'verify' and signs with Ed25519 (legacy EdDSA). */
    readonly nativeVerifier?: NativeVerifier,
    /** The key as openpgp.js selects its subkeys from `selectedUntil` on, if it is usable then. */
    readonly next?: PgpPublicKey,
  ) {}

  /** When the key can no longer be used at all; undefined when it never expires. */
  get usableUntil(): Date | undefined {
    return this.next ? this.next.usableUntil : this.selectedUntil;
  }

  /** Whether the key, checked when it was read, has not expired by `date`. */
  usableAt(date: Date): boolean {
    return this.at(date) !== undefined;
  }

  /** The key with the subkeys openpgp.js selects at `date`; undefined once it has expired. */
  at(date: Date): PgpPublicKey | undefined {
    return isUsableAt(this.selectedUntil, date) ? this : this.next?.at(date);
  }
}

/** A private key parsed (and unlocked) once and checked for the uses it was read for. */
export class PgpPrivateKey {
  constructor(
    readonly openpgpKey: PrivateKey,
    /** Upper-case hex, as GnuPG prints it. */
    readonly fingerprint: string,
    readonly uses: readonly PrivateKeyUse[],
    /** When the key, or a subkey it selected for its uses, expires; undefined when never. */
    readonly selectedUntil?: Date,
    /** Present when the key was read for 'sign'. */
    readonly nativeSigner?: NativeSigner,
    /** Present when the key was read for 'decrypt' and decrypts with X25519 (legacy ECDH). */
    readonly nativeDecrypter?: NativeDecrypter,
    /** The key as openpgp.js selects its subkeys from `selectedUntil` on, if it is usable then. */
    readonly next?: PgpPrivateKey,
  ) {}

  /** When the key can no longer be used at all; undefined when it never expires. */
  get usableUntil(): Date | undefined {
    return this.next ? this.next.usableUntil : this.selectedUntil;
  }

  /** Whether the key, checked when it was read, has not expired by `date`. */
  usableAt(date: Date): boolean {
    return this.at(date) !== undefined;
  }

  /** The key with the subkeys openpgp.js selects at `date`; undefined once it has expired. */
  at(date: Date): PgpPrivateKey | undefined {
    return isUsableAt(this.selectedUntil, date) ? this : this.next?.at(date);
  }
}

function isUsableAt(usableUntil: Date | undefined, date: Date): boolean {
  return usableUntil === undefined || date.getTime() < usableUntil.getTime();
}

/**
 * The native recipient of a key read for 'encrypt', refused with `UnusableKeyError` (kind
 * 'expired') once the key has expired: the check per message that replaces re-validating it.
 */
export function nativeEncryptionAt(key: PgpPublicKey, date: Date): NativeEncryption {
  requireUse(key, 'encrypt');
  const { nativeEncryption } = key.at(date) ?? expired(key);
  if (nativeEncryption === undefined) throw notReadFor(key, 'encrypt');
  return nativeEncryption;
}

/** The native signer of a key read for 'sign', refused once the key has expired. */
export function nativeSignerAt(key: PgpPrivateKey, date: Date): NativeSigner {
  requireUse(key, 'sign');
  const { nativeSigner } = key.at(date) ?? expired(key);
  if (nativeSigner === undefined) throw notReadFor(key, 'sign');
  return nativeSigner;
}

function expired(key: PgpPublicKey | PgpPrivateKey): never {
  throw new UnusableKeyError(
    key.fingerprint,
    `expired on ${key.usableUntil?.toISOString()}`,
    undefined,
    'expired',
  );
}

/**
 * Parses an armored or binary public key and rejects it with `UnusableKeyError` when it cannot be
 * used for `uses` now (by default both: a partner signs submissions and receives deliveries).
 */
export async function readPublicKey(
  input: string | Uint8Array,
  { uses = ['encrypt', 'verify'] }: { uses?: readonly PublicKeyUse[] } = {},
): Promise<PgpPublicKey> {
  let key: Key;
  try {
    const source = classifyPgpInput(input);
    key =
      'armored' in source
        ? await readKey({ armoredKey: source.armored, config: HUB_OPENPGP_CONFIG })
        : await readKey({ binaryKey: source.binary, config: HUB_OPENPGP_CONFIG });
  } catch (error) {
    throw new MalformedKeyError('input is not an OpenPGP public key', { cause: error });
  }
  // A private key would work here, but it must never travel where a public key is expected.
  if (key.isPrivate()) {
    throw new MalformedKeyError('expected a public key but got a private key');
  }
  const fingerprint = fingerprintOf(key);
  const now = new Date();
  const problem = await findProblem(key, uses, now);
  if (problem !== undefined) {
    throw new UnusableKeyError(fingerprint, problem.reason, undefined, problem.kind);
  }
  return publicKeyFrom(key, fingerprint, uses, now, 0);
}

/**
 * The key with the subkeys openpgp.js selects for `uses` from `date` on. When one of them expires
 * before the key does, openpgp.js selects another from then on (an older subkey may outlive a
 * newer one): so does the chain of `next`.
 */
async function publicKeyFrom(
  key: Key,
  fingerprint: string,
  uses: readonly PublicKeyUse[],
  date: Date,
  selections: number,
): Promise<PgpPublicKey> {
  const selectedUntil = await selectionEnds(key, uses, date);
  return new PgpPublicKey(
    key,
    fingerprint,
    Object.freeze([...uses]),
    Object.freeze(key.getUserIDs()),
    selectedUntil,
    uses.includes('encrypt')
      ? await deriveNatively(fingerprint, () => readNativeEncryption(key, fingerprint, date))
      : undefined,
    uses.includes('verify')
      ? await optionalNatively(async () =>
          nativeVerifier(
            await key.getSigningKey(undefined, date, undefined, HUB_OPENPGP_CONFIG),
            key,
          ),
        )
      : undefined,
    await nextSelection(key, uses, selectedUntil, selections, (at) =>
      publicKeyFrom(key, fingerprint, uses, at, selections + 1),
    ),
  );
}

/**
 * Derives the native reader's key material, which only ever adds a faster path: a key it cannot
 * serve is read by openpgp.js as before.
 */
async function optionalNatively<T>(derive: () => Promise<T | undefined>): Promise<T | undefined> {
  try {
    return await derive();
  } catch {
    return undefined;
  }
}

async function readNativeEncryption(
  key: Key,
  fingerprint: string,
  date: Date,
): Promise<NativeEncryption> {
  const subkey = await key.getEncryptionKey(undefined, date, undefined, HUB_OPENPGP_CONFIG);
  // The preferences openpgp.js reads for a v4 key: those on the primary user's self-signature.
  const { selfCertification } = await key.getPrimaryUser(date, undefined, HUB_OPENPGP_CONFIG);
  const sessionCiphers = acceptedSessionCiphers(selfCertification.preferredSymmetricAlgorithms);
  if (sessionCiphers.length === 0) {
    throw new UnusableKeyError(
      fingerprint,
      'prefers neither AES-256 nor AES-128 for encryption; the hub encrypts with one of those',
    );
  }
  return { recipient: nativeRecipient(subkey, fingerprint), sessionCiphers };
}

/**
 * Derives the native writer's key material; key material Node cannot import is a malformed key,
 * never a reason to write the message some other way.
 */
async function deriveNatively<T>(fingerprint: string, derive: () => Promise<T> | T): Promise<T> {
  try {
    return await derive();
  } catch (error) {
    if (error instanceof CryptoError) throw error;
    throw new MalformedKeyError(
      `OpenPGP key ${fingerprint} has key material that cannot be imported`,
      {
        cause: error,
      },
    );
  }
}

/** Far more than any real key has subkeys: a bound on the chain, not a limit anyone meets. */
const MAX_SELECTIONS = 16;

/**
 * The key from `ends` on, when it is usable then with other subkeys. A later subkey the hub cannot
 * use (malformed, an unsupported algorithm) ends the key's use there: it fails closed.
 */
async function nextSelection<K>(
  key: Key,
  uses: readonly (PublicKeyUse | PrivateKeyUse)[],
  ends: Date | undefined,
  selections: number,
  from: (date: Date) => Promise<K>,
): Promise<K | undefined> {
  if (ends === undefined || selections + 1 >= MAX_SELECTIONS) return undefined;
  if ((await findProblem(key, uses, ends)) !== undefined) return undefined;
  try {
    return await from(ends);
  } catch (error) {
    if (error instanceof CryptoError) return undefined;
    throw error;
  }
}

/** The earliest expiry among the primary key and the subkeys `uses` select at `date`. */
async function selectionEnds(
  key: Key,
  uses: readonly (PublicKeyUse | PrivateKeyUse)[],
  date: Date,
): Promise<Date | undefined> {
  const expiries: (Date | number | null)[] = [
    await key.getExpirationTime(undefined, HUB_OPENPGP_CONFIG),
  ];
  const selected = [
    ...(uses.includes('encrypt') || uses.includes('decrypt')
      ? [await key.getEncryptionKey(undefined, date, undefined, HUB_OPENPGP_CONFIG)]
      : []),
    ...(uses.includes('verify') || uses.includes('sign')
      ? [await key.getSigningKey(undefined, date, undefined, HUB_OPENPGP_CONFIG)]
      : []),
  ];
  for (const subkey of selected)
    if (subkey !== key && 'bindingSignatures' in subkey)
      expiries.push(await subkey.getExpirationTime(date, HUB_OPENPGP_CONFIG));
  const times = expiries
    .filter((expiry): expiry is Date => expiry instanceof Date)
    .map((expiry) => expiry.getTime());
  return times.length > 0 ? new Date(Math.min(...times)) : undefined;
}

/**
 * Parses an armored or binary private key, unlocks it with `passphrase` if it is protected, and
 * rejects it with `UnusableKeyError` when it cannot be used for `uses` now.
 */
export async function readPrivateKey(
  input: string | Uint8Array,
  {
    uses = ['sign', 'decrypt'],
    passphrase,
  }: { uses?: readonly PrivateKeyUse[]; passphrase?: string } = {},
): Promise<PgpPrivateKey> {
  let key: PrivateKey;
  try {
    const source = classifyPgpInput(input);
    key =
      'armored' in source
        ? await readOpenpgpPrivateKey({ armoredKey: source.armored, config: HUB_OPENPGP_CONFIG })
        : await readOpenpgpPrivateKey({ binaryKey: source.binary, config: HUB_OPENPGP_CONFIG });
  } catch (error) {
    throw new MalformedKeyError('input is not an OpenPGP private key', { cause: error });
  }
  const fingerprint = fingerprintOf(key);
  if (!key.isDecrypted()) {
    if (passphrase === undefined) throw new LockedKeyError(fingerprint, false);
    try {
      key = await decryptKey({ privateKey: key, passphrase, config: HUB_OPENPGP_CONFIG });
    } catch (error) {
      throw new LockedKeyError(fingerprint, true, { cause: error });
    }
  }
  const now = new Date();
  const problem = await findProblem(key, uses, now);
  if (problem !== undefined) {
    throw new UnusableKeyError(fingerprint, problem.reason, undefined, problem.kind);
  }
  return privateKeyFrom(key, fingerprint, uses, now, 0);
}

/** The private key with the subkeys openpgp.js selects from `date` on (see `publicKeyFrom`). */
async function privateKeyFrom(
  key: PrivateKey,
  fingerprint: string,
  uses: readonly PrivateKeyUse[],
  date: Date,
  selections: number,
): Promise<PgpPrivateKey> {
  const selectedUntil = await selectionEnds(key, uses, date);
  return new PgpPrivateKey(
    key,
    fingerprint,
    Object.freeze([...uses]),
    selectedUntil,
    uses.includes('sign')
      ? await deriveNatively(fingerprint, async () =>
          nativeSigner(
            await key.getSigningKey(undefined, date, undefined, HUB_OPENPGP_CONFIG),
            fingerprint,
          ),
        )
      : undefined,
    uses.includes('decrypt')
      ? await optionalNatively(async () =>
          nativeDecrypter(
            await key.getEncryptionKey(undefined, date, undefined, HUB_OPENPGP_CONFIG),
          ),
        )
      : undefined,
    await nextSelection(key, uses, selectedUntil, selections, (at) =>
      privateKeyFrom(key, fingerprint, uses, at, selections + 1),
    ),
  );
}

/** Throws when a key read for other uses is passed where `use` is needed. */
export function requireUse(key: PgpPublicKey, use: PublicKeyUse): void;
export function requireUse(key: PgpPrivateKey, use: PrivateKeyUse): void;
export function requireUse(
  key: PgpPublicKey | PgpPrivateKey,
  use: PublicKeyUse | PrivateKeyUse,
): void {
  if (!(key.uses as readonly string[]).includes(use)) throw notReadFor(key, use);
}

/** Re-checks a key at `date`; a key valid when read can expire or be revoked while the hub runs. */
export async function findKeyProblem(
  key: PgpPublicKey | PgpPrivateKey,
  use: PublicKeyUse | PrivateKeyUse,
  date: Date,
): Promise<KeyProblem | undefined> {
  return findProblem(key.openpgpKey, [use], date);
}

/** What is wrong with a key, in a few words, and which kind of problem that is. */
export interface KeyProblem {
  readonly kind: KeyProblemKind;
  readonly reason: string;
}

function notReadFor(key: PgpPublicKey | PgpPrivateKey, use: string): UnusableKeyError {
  return new UnusableKeyError(key.fingerprint, `was not read for use '${use}'`);
}

function unusable(reason: string | undefined): KeyProblem | undefined {
  return reason === undefined ? undefined : { kind: 'unusable', reason };
}

export function fingerprintOf(key: Key | Subkey): string {
  return key.getFingerprint().toUpperCase();
}

/** A fingerprint as `gpg --fingerprint` prints it, for reading aloud: ten groups of four. */
export function groupedFingerprint(fingerprint: string): string {
  const groups = fingerprint.toUpperCase().match(/.{1,4}/g) ?? [];
  return [groups.slice(0, 5).join(' '), groups.slice(5).join(' ')].filter(Boolean).join('  ');
}

// BSI TR-02102-1 asks for RSA of 3000 bits or more from 2023 on; 3072 is the usual size above it.
export const MIN_RSA_BITS = 3072;

const RSA_ALGORITHMS: ReadonlySet<string> = new Set(['rsaEncryptSign', 'rsaEncrypt', 'rsaSign']);
const CURVE25519_ALGORITHMS: ReadonlySet<string> = new Set(['ed25519', 'x25519']);
const CURVE25519_LEGACY_CURVES: ReadonlySet<string> = new Set([
  'ed25519Legacy',
  'curve25519Legacy',
]);

/** Only Curve25519 (Ed25519/X25519, legacy or RFC 9580 ids) and RSA of `MIN_RSA_BITS` or more. */
function findStrengthProblem(key: Key | Subkey, what: string): string | undefined {
  const { algorithm, bits, curve } = key.getAlgorithmInfo();
  if (RSA_ALGORITHMS.has(algorithm)) {
    return bits !== undefined && bits >= MIN_RSA_BITS
      ? undefined
      : `has an RSA ${what} of ${bits ?? '?'} bits; RSA keys need at least ${MIN_RSA_BITS} bits (or use Curve25519)`;
  }
  if (CURVE25519_ALGORITHMS.has(algorithm)) return undefined;
  if (curve !== undefined && CURVE25519_LEGACY_CURVES.has(curve)) return undefined;
  return `has a ${what} of type ${algorithm}${curve ? ` ${curve}` : ''}; only Curve25519 (Ed25519/X25519) or RSA of at least ${MIN_RSA_BITS} bits is accepted`;
}

// RFC 9580 algorithm ids (Ed25519 27, X25519 25, Ed448 28, X448 26): GnuPG 2.2 reports
// "Invalid public key algorithm" for them; the legacy EdDSA (22) / ECDH (18) ids interoperate.
const ALGORITHMS_UNKNOWN_TO_GNUPG_22: ReadonlySet<enums.publicKey> = new Set([
  enums.publicKey.ed25519,
  enums.publicKey.x25519,
  enums.publicKey.ed448,
  enums.publicKey.x448,
]);

async function findProblem(
  key: Key,
  uses: readonly (PublicKeyUse | PrivateKeyUse)[],
  date: Date,
): Promise<KeyProblem | undefined> {
  if (key.keyPacket.version !== 4) {
    return unusable(`is a v${key.keyPacket.version} key; partners' GnuPG 2.2 reads only v4 keys`);
  }
  if (await key.isRevoked(undefined, undefined, date, HUB_OPENPGP_CONFIG)) {
    return { kind: 'revoked', reason: 'is revoked' };
  }
  const expiry = await key.getExpirationTime(undefined, HUB_OPENPGP_CONFIG).catch(() => null);
  if (expiry instanceof Date && expiry.getTime() <= date.getTime()) {
    return { kind: 'expired', reason: `expired on ${expiry.toISOString()}` };
  }
  try {
    await key.verifyPrimaryKey(date, undefined, HUB_OPENPGP_CONFIG);
  } catch {
    return unusable('has no valid self-signature');
  }
  const weakPrimary = findStrengthProblem(key, 'primary key');
  if (weakPrimary !== undefined) return unusable(weakPrimary);
  if (uses.includes('encrypt') || uses.includes('decrypt')) {
    const problem = await findCapabilityProblem(key, 'encryption subkey', () =>
      key.getEncryptionKey(undefined, date, undefined, HUB_OPENPGP_CONFIG),
    );
    if (problem !== undefined) return unusable(problem);
  }
  if (uses.includes('sign') || uses.includes('verify')) {
    const problem = await findCapabilityProblem(key, 'signing key', () =>
      key.getSigningKey(undefined, date, undefined, HUB_OPENPGP_CONFIG),
    );
    if (problem !== undefined) return unusable(problem);
  }
  return undefined;
}

async function findCapabilityProblem(
  key: Key,
  capability: 'encryption subkey' | 'signing key',
  select: () => Promise<Key | Subkey>,
): Promise<string | undefined> {
  let selected: Key | Subkey;
  try {
    selected = await select();
  } catch {
    return `has no valid ${capability}`;
  }
  const packet = selected.keyPacket;
  if (ALGORITHMS_UNKNOWN_TO_GNUPG_22.has(packet.algorithm)) {
    return `has an ${capability} of RFC 9580 type ${selected.getAlgorithmInfo().algorithm}, which GnuPG 2.2 cannot use`;
  }
  const weak = findStrengthProblem(selected, capability);
  if (weak !== undefined) return weak;
  if (key.isPrivate() && 'isDummy' in packet && packet.isDummy()) {
    return `has no secret material for its ${capability} (a GnuPG stub)`;
  }
  return undefined;
}

/**
 * Turns an openpgp.js failure into the error that explains it: `UnusableKeyError` when one of the
 * keys involved is no longer usable (expired or revoked since it was read), else `EnvelopeError`.
 */
export async function explainFailure(
  error: unknown,
  operation: string,
  involved: readonly (
    readonly [PgpPrivateKey, PrivateKeyUse] | readonly [PgpPublicKey, PublicKeyUse]
  )[],
): Promise<CryptoError> {
  const now = new Date();
  for (const [key, use] of involved) {
    const problem = await findKeyProblem(key, use, now);
    if (problem !== undefined) {
      return new UnusableKeyError(key.fingerprint, problem.reason, { cause: error }, problem.kind);
    }
  }
  return new EnvelopeError(`${operation} failed`, { cause: error });
}
