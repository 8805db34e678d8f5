import { readFile } from 'node:fs/promises';
import {
  groupedFingerprint,
  keyFiles,
  MalformedKeyError,
  readPublicKey,
  UnusableKeyError,
  writeKeyFile,
  type PgpPublicKey,
} from '@samenloop/crypto';
import {
  partnersNamedBy,
  pinFileInsideKeysFolder,
  pinPartnerKeys,
  readPartnerKeyPins,
  type PartnerRegistry,
} from '@samenloop/partners';

export interface PartnerKeyRegistration {
  readonly partnerId: string;
  /** The partner's public key as it sent it: armored or binary, as `gpg --export` makes it. */
  readonly keyFile: string;
  readonly registry: PartnerRegistry;
  /** Where the registry's name is shown in messages. */
  readonly registrySource: string;
  readonly keysDirectory: string;
  readonly partnerKeysFile: string;
  /** Pin this key instead of the partner's earlier keys (default: beside them, for an overlap). */
  readonly replace?: boolean;
}

export interface RegisteredPartnerKey {
  readonly fingerprint: string;
  readonly keyFile: string;
  /** Every fingerprint pinned for the partner now, this one last. */
  readonly pinned: readonly string[];
}

/** A registration refused; the message says what is wrong and what to do. */
export class RegistrationRefusedError extends Error {
  override readonly name = 'RegistrationRefusedError';
}

/** What a partner's IT department can run to make a key the hub accepts (GnuPG 2.2). */
const HOW_TO_MAKE_A_KEY =
  "make one with `gpg --quick-generate-key '<organisation> <email>' ed25519 sign 2y` and `gpg --quick-add-key <fingerprint> cv25519 encr 2y`, then send `gpg --export --armor <fingerprint>`";

/**
 * Registers a partner's public key: checks it the way the gateway does (`readPublicKey` decides
 * what a usable key is), checks that it is free (no other partner's pin, no user id naming another
 * partner), pins its fingerprint for the partner and writes it where the gateway reads it. The
 * pin is written first, so the running gateway never sees the new key file unpinned.
 */
export async function registerPartnerKey(
  registration: PartnerKeyRegistration,
): Promise<RegisteredPartnerKey> {
  const { partnerId, registry, keysDirectory, partnerKeysFile } = registration;
  if (registry.get(partnerId) === undefined)
    throw new RegistrationRefusedError(
      `${partnerId} is not in the partner registry ${registration.registrySource}: add the partner there first (a reviewed change), then register its key`,
    );
  if (pinFileInsideKeysFolder(partnerKeysFile, keysDirectory))
    throw new RegistrationRefusedError(
      `the partner key pins ${partnerKeysFile} must not be inside the keys folder ${keysDirectory}: set SAMENLOOP_PARTNER_KEYS_FILE (or --pins) to a file beside it`,
    );
  const key = await usableKey(registration.keyFile);
  const pins = await readPartnerKeyPins(partnerKeysFile, registry);
  const owner = pins.ownerOf(key.fingerprint);
  if (owner !== undefined && owner !== partnerId)
    throw new RegistrationRefusedError(
      `key ${key.fingerprint} is already pinned for ${owner}: one key cannot serve two partners, so ${partnerId} needs a key of its own (${HOW_TO_MAKE_A_KEY})`,
    );
  const named = partnersNamedBy(key.userIds, partnerId, registry);
  if (named.length > 0)
    throw new RegistrationRefusedError(
      `key ${key.fingerprint} has a user id that names ${named.map((partner) => partner.id).join(', ')}, another partner in the registry (by id or OIN): a key for ${partnerId} must not claim to be another organisation; ask ${partnerId} for a key with its own name`,
    );
  const updated = await pinPartnerKeys(
    partnerKeysFile,
    registry,
    { [partnerId]: key.fingerprint },
    { replace: registration.replace ?? false },
  );
  const keyFile = keyFiles.partnerPublic(keysDirectory, partnerId);
  await writeKeyFile(keyFile, key.openpgpKey.armor());
  return { fingerprint: key.fingerprint, keyFile, pinned: updated.pinned(partnerId) };
}

/** The key in `file` if the gateway could use it; otherwise what is wrong and how to fix it. */
async function usableKey(file: string): Promise<PgpPublicKey> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new RegistrationRefusedError(
      `cannot read the key file ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  try {
    return await readPublicKey(new Uint8Array(bytes));
  } catch (error) {
    if (error instanceof UnusableKeyError)
      throw new RegistrationRefusedError(
        `key ${error.fingerprint} cannot be registered: it ${error.reason}. A key the hub accepts is OpenPGP v4, Curve25519 (Ed25519/X25519) or RSA of at least 3072 bits, with a valid encryption subkey, not expired and not revoked; ${HOW_TO_MAKE_A_KEY}`,
      );
    if (error instanceof MalformedKeyError)
      throw new RegistrationRefusedError(
        `${file} holds no OpenPGP public key (${error.message}); send only the public key: \`gpg --export --armor <fingerprint>\``,
      );
    throw error;
  }
}

/** What the command prints: the fingerprint as gpg groups it, and that no restart is needed. */
export function describeRegistration(
  partnerId: string,
  registered: RegisteredPartnerKey,
  partnerKeysFile: string,
): string {
  const earlier = registered.pinned.slice(0, -1);
  return [
    `registered the key of ${partnerId}`,
    `  fingerprint  ${groupedFingerprint(registered.fingerprint)}`,
    `  key file     ${registered.keyFile}`,
    `  pinned in    ${partnerKeysFile}${earlier.length > 0 ? ` (earlier keys still pinned for the overlap: ${earlier.join(', ')}; use --replace to unpin them)` : ''}`,
    'It takes effect without a gateway restart: the gateway reads keys and pins on each use.',
    '',
  ].join('\n');
}
