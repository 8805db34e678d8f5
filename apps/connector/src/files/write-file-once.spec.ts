import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileOnce } from './write-file-once';

describe(writeFileOnce.name, () => {
  let directory: string;

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'write-once-'));
  });

  afterEach(() => rm(directory, { recursive: true, force: true }));

  it('writes a new file whole and leaves no temp file behind', async () => {
    const path = join(directory, 'd-1.json');

    expect(await writeFileOnce(path, '{"id":"d-1"}')).toBe('written');
    expect(await readFile(path, 'utf8')).toBe('{"id":"d-1"}');
    expect(await readdir(directory)).toEqual(['d-1.json']);
  });

  it('never overwrites an existing file: it reports it and keeps the old content', async () => {
    const path = join(directory, 'd-1.json');
    await writeFile(path, 'eerder geschreven');

    expect(await writeFileOnce(path, 'iets anders')).toBe('exists');
    expect(await readFile(path, 'utf8')).toBe('eerder geschreven');
    expect(await readdir(directory)).toEqual(['d-1.json']);
  });

  it('gives one of two writers racing for a name the file, and the other `exists`', async () => {
    const path = join(directory, 'd-1.json');

    const results = await Promise.all([writeFileOnce(path, 'een'), writeFileOnce(path, 'twee')]);

    expect([...results].sort()).toEqual(['exists', 'written']);
    expect(['een', 'twee']).toContain(await readFile(path, 'utf8'));
    expect(await readdir(directory)).toEqual(['d-1.json']);
  });

  it('fails on a folder that is not there, leaving nothing', async () => {
    await expect(writeFileOnce(join(directory, 'weg', 'd-1.json'), 'x')).rejects.toMatchObject({
      code: 'ENOENT',
    });
    expect(await readdir(directory)).toEqual([]);
  });
});
