import { spawnSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');

describe('generated contracts', () => {
  // A separate process: prettier, which formats the output, loads itself with a dynamic import
  // that Jest's module sandbox does not allow.
  it('match schemas/ (run `npm run contracts:generate` after changing a schema)', () => {
    const check = spawnSync(
      process.execPath,
      [
        require.resolve('ts-node/dist/bin'),
        '--transpile-only',
        'libs/contracts/tools/generate-contracts.ts',
        '--check',
      ],
      { cwd: ROOT, encoding: 'utf8' },
    );

    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
  }, 60_000);
});
