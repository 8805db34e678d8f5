import { Command } from 'commander';
import { registerZsmDeadlineCommand } from './zsm-deadline.command';

function run(...args: string[]): {
  out: string;
  err: string;
  exitCode: number | string | undefined;
} {
  const program = new Command().exitOverride();
  registerZsmDeadlineCommand(program);
  let out = '';
  let err = '';
  const stdout = jest
    .spyOn(process.stdout, 'write')
    .mockImplementation((chunk) => ((out += String(chunk)), true));
  const stderr = jest
    .spyOn(process.stderr, 'write')
    .mockImplementation((chunk) => ((err += String(chunk)), true));
  const previous = process.exitCode;
  process.exitCode = undefined;
  try {
    program.parse(['node', 'samenloop', 'zsm-deadline', ...args]);
    return { out, err, exitCode: process.exitCode };
  } finally {
    process.exitCode = previous;
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

describe('samenloop zsm-deadline', () => {
  it('prints the deadline in Dutch local time', () => {
    expect(run('--arrested', '2026-11-23T22:00:00+01:00')).toEqual({
      out: '2026-11-24T16:00:00.000+01:00\n',
      err: '',
      exitCode: undefined,
    });
  });

  it('uses 6 hours when the offence allows no pre-trial detention', () => {
    expect(run('--arrested', '2026-11-23T22:00:00+01:00', '--no-pretrial-detention').out).toBe(
      '2026-11-24T13:00:00.000+01:00\n',
    );
  });

  it('explains a time it cannot read and exits 1', () => {
    expect(run('--arrested', 'gisteren')).toEqual({
      out: '',
      err: '--arrested must be an ISO 8601 time with offset, e.g. 2026-11-23T22:00:00+01:00\n',
      exitCode: 1,
    });
  });
});
