import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { MessageType } from '@samenloop/contracts';
import { NEW_CASE, STAGE_TRANSITIONS, transition, type StageBefore } from './case-stage-machine';

/** The README's table, as { messageType: { stageBefore: cell } }. */
function readmeTable(): Map<string, Map<string, string>> {
  const readme = readFileSync(path.join(__dirname, '../README.md'), 'utf8');
  const rows = readme
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .map((line) =>
      line
        .slice(1, -1)
        .split('|')
        .map((cell) => cell.trim()),
    );
  const [header, , ...body] = rows;
  const columns = header!.slice(1);
  return new Map(
    body.map(([type, ...cells]) => [
      `nl.samenloop.${type}`,
      new Map(cells.map((cell, index) => [columns[index]!, cell])),
    ]),
  );
}

describe('the case stage machine', () => {
  it('is exactly the table in the README', () => {
    const table = readmeTable();
    const routable = Object.entries(STAGE_TRANSITIONS).filter(
      ([, { to }]) => Object.keys(to).length > 0,
    );
    expect([...table.keys()].sort()).toEqual(routable.map(([type]) => type).sort());
    for (const [type, cells] of table) {
      for (const [before, cell] of cells) {
        const move = transition(before as StageBefore, type as MessageType);
        const expected = cell === '✗' ? 'forbidden' : cell === '=' ? before : cell;
        expect([type, before, move.allowed ? move.stage : 'forbidden']).toEqual([
          type,
          before,
          expected,
        ]);
      }
    }
  });

  it('routes nothing in a closed case and says that a new incident is a new case', () => {
    const move = transition('gesloten', 'nl.samenloop.zorgmelding');
    expect(move).toEqual({
      allowed: false,
      reason: expect.stringContaining('A new incident is a new case') as unknown,
    });
  });

  it('does not let an assessment open a case, and says which references would link it', () => {
    const move = transition(NEW_CASE, 'nl.samenloop.veiligheidsbeoordeling');
    expect(move.allowed).toBe(false);
    expect(!move.allowed && move.reason).toMatch(
      /for a case the hub does not know: .*zsmZaakId, parketnummer/,
    );
  });

  it('takes a late zorgmelding into a case at ZSM without moving it back', () => {
    expect(transition('zsm', 'nl.samenloop.zorgmelding')).toEqual({ allowed: true, stage: 'zsm' });
  });

  it('puts a decided case back at ZSM on a new arrest', () => {
    expect(transition('afdoening', 'nl.samenloop.verdachtenmonitor-entry')).toEqual({
      allowed: true,
      stage: 'zsm',
    });
  });

  it('refuses an afdoeningsbeslissing for a case that never reached the OM', () => {
    const move = transition('melding', 'nl.samenloop.afdoeningsbeslissing');
    expect(!move.allowed && move.reason).toMatch(/at stage melding: .*reached the OM/);
  });

  it('lets no partner message move a case by the hub alerts', () => {
    expect(transition('zsm', 'nl.samenloop.zsm-termijn-signalering').allowed).toBe(false);
  });
});
