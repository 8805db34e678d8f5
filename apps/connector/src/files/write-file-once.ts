import { randomUUID } from 'node:crypto';
import { link, open, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** `written`, or `exists` when a file of that name was already there (it is left as it was). */
export type WriteOnce = 'written' | 'exists';

/**
 * Writes `path` whole or not at all, and never over an existing file: the content goes to a temp
 * file in the same folder (so a reader never sees half of it), is flushed to disk, and is then
 * hard-linked to its name — `link` fails on an existing name, where `rename` would replace it.
 */
export async function writeFileOnce(path: string, content: string | Buffer): Promise<WriteOnce> {
  const directory = dirname(path);
  // A dot-file ending in .tmp: the drop folders and case systems skip it.
  const temp = join(directory, `.${basename(path)}.${randomUUID()}.tmp`);
  try {
    const handle = await open(temp, 'wx', 0o640);
    try {
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await link(temp, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return 'exists';
    throw error;
  } finally {
    await rm(temp, { force: true });
  }
  await syncDirectory(directory);
  return 'written';
}

/** Makes a new or removed name in `directory` survive a power cut. */
export async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
