import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile, access } from 'node:fs/promises';
import path from 'node:path';
import { HubSecret } from './hub-secret';
import { generatePartnerKey } from './partner-key.generator';

/**
 * Where keys live on disk (never in a source folder):
 *   <dir>/hub/private.asc, <dir>/hub/public.asc          the hub's own key
 *   <dir>/hub/secret.key                                  the hub's secret (pseudonyms, sealed state)
 *   <dir>/partners/<ID>/public.asc                        what the hub knows of a partner
 *   <dir>/partners/<ID>/private.asc                       development only: the partner simulator's key
 */
export const keyFiles = {
  hubPrivate: (dir: string) => path.join(dir, 'hub', 'private.asc'),
  hubPublic: (dir: string) => path.join(dir, 'hub', 'public.asc'),
  hubSecret: (dir: string) => path.join(dir, 'hub', 'secret.key'),
  partnerPublic: (dir: string, partnerId: string) =>
    path.join(dir, 'partners', partnerId, 'public.asc'),
  partnerPrivate: (dir: string, partnerId: string) =>
    path.join(dir, 'partners', partnerId, 'private.asc'),
};

export interface GeneratedKeys {
  readonly created: readonly string[];
  readonly kept: readonly string[];
  /** The fingerprint of each partner key created now, by partner id, for the caller to pin. */
  readonly createdPartnerKeys: Readonly<Record<string, string>>;
}

/**
 * Creates development keys for the hub and each partner that has none yet, and the hub's secret if
 * it has none; existing keys and secret are kept.
 */
export async function generateDevelopmentKeys(
  dir: string,
  partnerIds: readonly string[],
): Promise<GeneratedKeys> {
  const created: string[] = [];
  const kept: string[] = [];
  const createdPartnerKeys: Record<string, string> = {};
  const owners = [
    {
      partner: false,
      name: 'hub',
      privateFile: keyFiles.hubPrivate(dir),
      publicFile: keyFiles.hubPublic(dir),
      email: 'hub@samenloop.test',
    },
    ...partnerIds.map((id) => ({
      partner: true,
      name: id,
      privateFile: keyFiles.partnerPrivate(dir, id),
      publicFile: keyFiles.partnerPublic(dir, id),
      email: `${id.toLowerCase()}@partners.samenloop.test`,
    })),
  ];
  for (const owner of owners) {
    if (await exists(owner.privateFile)) {
      kept.push(owner.name);
      continue;
    }
    const key = await generatePartnerKey({
      name: `Samenloop development key ${owner.name}`,
      email: owner.email,
    });
    await mkdir(path.dirname(owner.privateFile), { recursive: true, mode: 0o700 });
    await writeFile(owner.privateFile, key.privateKeyArmored, { mode: 0o600 });
    await writeFile(owner.publicFile, key.publicKeyArmored, { mode: 0o644 });
    created.push(owner.name);
    if (owner.partner) createdPartnerKeys[owner.name] = key.fingerprint;
  }
  if (await exists(keyFiles.hubSecret(dir))) kept.push('hub secret');
  else {
    await HubSecret.create(keyFiles.hubSecret(dir));
    created.push('hub secret');
  }
  return { created, kept, createdPartnerKeys };
}

export async function readKeyFile(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Writes a public key file whole, through a temporary file renamed into place: the gateway reads
 * key files on every use and must never see half of one.
 */
export async function writeKeyFile(file: string, armored: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temporary, armored, { mode: 0o644 });
  await rename(temporary, file);
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
