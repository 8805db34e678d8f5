import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HubSecret } from './hub-secret';

/**
 * A fresh hub secret in a folder of its own under the system's temporary folder: for tests and
 * benchmarks, which need one the way the hub makes it, never for a running hub.
 */
export async function temporaryHubSecret(): Promise<HubSecret> {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'samenloop-hub-secret-')), 'secret.key');
  await HubSecret.create(file);
  const secret = await HubSecret.read(file);
  if (!secret) throw new Error(`no hub secret at ${file}`);
  return secret;
}
