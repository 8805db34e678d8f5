import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MAX_REMEMBERED_IDS, ReceivedIds } from './received-ids';

describe(ReceivedIds.name, () => {
  const file = () =>
    path.join(mkdtempSync(path.join(tmpdir(), 'samenloop-received-')), 'VT-ZOB', 'received.json');

  it('remembers the ids it was given across runs', async () => {
    const where = file();
    const first = await ReceivedIds.open(where);
    first.add('d-1');
    await first.save();

    const second = await ReceivedIds.open(where);

    expect(second.has('d-1')).toBe(true);
    expect(second.has('d-2')).toBe(false);
  });

  it('forgets the oldest ids beyond its bound', async () => {
    const ids = await ReceivedIds.open(file());
    for (let n = 0; n <= MAX_REMEMBERED_IDS; n++) ids.add(`d-${n}`);

    expect(ids.has('d-0')).toBe(false);
    expect(ids.has('d-1')).toBe(true);
    expect(ids.has(`d-${MAX_REMEMBERED_IDS}`)).toBe(true);
  });

  it('refuses a file that is not a list of ids, saying what to do', async () => {
    const where = path.join(mkdtempSync(path.join(tmpdir(), 'samenloop-received-')), 'r.json');
    writeFileSync(where, '{"d-1": true}');

    await expect(ReceivedIds.open(where)).rejects.toThrow(/move it away/);
  });
});
