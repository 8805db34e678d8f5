import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** How many document ids a partner remembers: far more than arrive between two receives. */
export const MAX_REMEMBERED_IDS = 10_000;

/**
 * The ids of the hub documents a partner's tool has shown, kept in a small file beside the
 * partner's keys so that a copied delivery is not shown twice, not even in a later run. Bounded:
 * the oldest ids are forgotten first.
 */
export class ReceivedIds {
  private constructor(
    private readonly file: string,
    private readonly ids: Set<string>,
  ) {}

  static async open(file: string): Promise<ReceivedIds> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT')
        return new ReceivedIds(file, new Set());
      throw error;
    }
    const ids: unknown = JSON.parse(text);
    if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string'))
      throw new Error(
        `${file} must hold a JSON array of document ids; move it away to start remembering afresh`,
      );
    return new ReceivedIds(file, new Set(ids));
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  add(id: string): void {
    this.ids.add(id);
    for (const oldest of this.ids) {
      if (this.ids.size <= MAX_REMEMBERED_IDS) break;
      this.ids.delete(oldest);
    }
  }

  /** Written whole and renamed into place: a crash leaves the old file or the new one, never half. */
  async save(): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const temporary = `${this.file}.${randomUUID()}.tmp`;
    await writeFile(temporary, JSON.stringify([...this.ids]), { mode: 0o600 });
    await rename(temporary, this.file);
  }
}
