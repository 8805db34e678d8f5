import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PartnerKeyPins } from './partner-key-pins';
import type { PartnerRegistry } from './partner-registry';

/**
 * Whether the pin file would sit inside the keys folder: then whoever can write that folder could
 * pin their own key, which the pins exist to prevent.
 */
export function pinFileInsideKeysFolder(file: string, keysDirectory: string): boolean {
  const relative = path.relative(path.resolve(keysDirectory), path.resolve(file));
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/** The pin file's text as it is now; undefined when there is no such file. */
export async function readPinFileText(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** The pins in `file`, checked against the registry; none when the file does not exist yet. */
export async function readPartnerKeyPins(
  file: string,
  registry: PartnerRegistry,
): Promise<PartnerKeyPins> {
  const text = await readPinFileText(file);
  return text === undefined
    ? PartnerKeyPins.empty()
    : PartnerKeyPins.fromYaml(text, path.basename(file), registry);
}

/**
 * Writes the pins whole, through a temporary file renamed over the old one: the gateway reads the
 * file on every use and must never see half of it.
 */
export async function writePartnerKeyPins(file: string, pins: PartnerKeyPins): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temporary, pins.toYaml(), { mode: 0o644 });
  await rename(temporary, file);
}

/**
 * Pins each fingerprint for its partner in `file` (beside earlier pins, or instead of them with
 * `replace`), creating the file if there is none, and returns the pins written.
 */
export async function pinPartnerKeys(
  file: string,
  registry: PartnerRegistry,
  fingerprints: Readonly<Record<string, string>>,
  { replace = false }: { replace?: boolean } = {},
): Promise<PartnerKeyPins> {
  let pins = await readPartnerKeyPins(file, registry);
  for (const [partnerId, fingerprint] of Object.entries(fingerprints))
    pins = pins.withPin(partnerId, fingerprint, { replace });
  await writePartnerKeyPins(file, pins);
  return pins;
}
