#!/usr/bin/env node
// The `samenloop` command (`npx samenloop …` in the repository). Installs dependencies and builds
// the CLI bundle when it is missing or older than its sources, then runs it.
'use strict';
const { execFileSync, spawnSync } = require('node:child_process');
const { existsSync, readdirSync, statSync } = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const bundle = path.join(root, 'dist/apps/cli/main.js');
const sources = ['apps/cli', 'libs', 'schemas'].map((folder) => path.join(root, folder));

function newestSourceTime(folder) {
  let newest = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const full = path.join(folder, entry.name);
    newest = Math.max(
      newest,
      entry.isDirectory() ? newestSourceTime(full) : statSync(full).mtimeMs,
    );
  }
  return newest;
}

execFileSync(process.execPath, [path.join(root, 'deploy/local/ensure-dependencies.mjs')], {
  stdio: 'inherit',
});
const builtAt = existsSync(bundle) ? statSync(bundle).mtimeMs : 0;
if (sources.some((folder) => newestSourceTime(folder) > builtAt)) {
  const build = spawnSync(path.join(root, 'node_modules/.bin/nest'), ['build', 'cli'], {
    cwd: root,
    encoding: 'utf8',
  });
  if (build.status !== 0) {
    process.stderr.write(`samenloop: building the CLI failed:\n${build.stdout}${build.stderr}`);
    process.exit(1);
  }
}

require(bundle);
