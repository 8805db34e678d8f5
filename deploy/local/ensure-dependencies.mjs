// Runs before `npm start` and `npm test` so both work straight after `git clone`: installs the npm
// dependencies when they are missing or older than package-lock.json. Uses no dependencies itself.
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  process.stderr.write(
    `samenloop: Node.js 20.19 or newer is needed (this is ${process.versions.node}).\n`,
  );
  process.exit(1);
}

// npm writes node_modules/.package-lock.json on every install; older than the lockfile means stale.
const installed = path.join(root, 'node_modules', '.package-lock.json');
const lockfile = path.join(root, 'package-lock.json');
if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(lockfile).mtimeMs) {
  process.stdout.write('samenloop: installing npm dependencies (npm ci)\n');
  execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
}
