import { spawn, spawnSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from '../support/partner-kit';

/** The partner guide the recipe test follows; its shell blocks are run as printed. */
export const PARTNER_GUIDE = path.join(ROOT, 'docs/partners.md');

/** Who runs a block: ```` ```bash recipe:make-key ```` the partner, `operator:…` the hub operator. */
export type Side = 'recipe' | 'operator';

/**
 * What a partner has: the shell's own tools plus gpg, kcat and jq — not node_modules/.bin, and
 * nothing of this repository.
 */
const PARTNER_PATH = '/usr/local/bin:/usr/bin:/bin';

/** The guide's shell blocks by label, e.g. `recipe:make-key` or `operator:register`. */
export async function guideBlocks(file = PARTNER_GUIDE): Promise<ReadonlyMap<string, string>> {
  const markdown = await readFile(file, 'utf8');
  const blocks = new Map<string, string>();
  for (const match of markdown.matchAll(
    /^```bash ((?:recipe|operator):[a-z-]+)\n([\s\S]*?)^```$/gm,
  )) {
    const [, label, script] = match;
    if (blocks.has(label!)) throw new Error(`${file} has two ${label} blocks`);
    blocks.set(label!, script!);
  }
  return blocks;
}

export interface BlockResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * A machine that runs the guide's blocks of one side in a working folder of its own, with the
 * settings the guide names as environment variables and nothing else of the test's environment.
 */
export class GuideMachine {
  private constructor(
    readonly dir: string,
    private readonly side: Side,
    private readonly blocks: ReadonlyMap<string, string>,
    private readonly env: Record<string, string>,
  ) {}

  /** A partner's machine: a GnuPG home of its own, and gpg, kcat and jq on the PATH. */
  static async partner(
    blocks: ReadonlyMap<string, string>,
    settings: Record<string, string>,
  ): Promise<GuideMachine> {
    const dir = await mkdtemp(path.join(tmpdir(), 'samenloop-partner-'));
    const gnupgHome = path.join(dir, 'gnupg');
    // 0700: gpg warns about a home others can read.
    await mkdir(gnupgHome, { mode: 0o700 });
    return new GuideMachine(dir, 'recipe', blocks, {
      PATH: PARTNER_PATH,
      HOME: dir,
      GNUPGHOME: gnupgHome,
      ...settings,
    });
  }

  /** The hub operator's desk: the `samenloop` command of this repository on the PATH. */
  static async operator(
    blocks: ReadonlyMap<string, string>,
    settings: Record<string, string>,
  ): Promise<GuideMachine> {
    const dir = await mkdtemp(path.join(tmpdir(), 'samenloop-operator-'));
    const bin = path.join(dir, 'bin');
    await mkdir(bin);
    // The CLI from source, as the other integration tests run it: no bundle to build first.
    const samenloop = path.join(bin, 'samenloop');
    await writeFile(
      samenloop,
      [
        '#!/bin/sh',
        `export TS_NODE_PROJECT='${path.join(ROOT, 'tsconfig.json')}'`,
        `exec '${process.execPath}' -r '${require.resolve('ts-node/register/transpile-only')}' -r '${require.resolve('tsconfig-paths/register')}' '${path.join(ROOT, 'apps/cli/src/main.ts')}' "$@"`,
        '',
      ].join('\n'),
    );
    await chmod(samenloop, 0o755);
    return new GuideMachine(dir, 'operator', blocks, {
      PATH: `${bin}:${PARTNER_PATH}`,
      HOME: dir,
      ...settings,
    });
  }

  file(name: string): string {
    return path.join(this.dir, name);
  }

  /** Adds or replaces settings, as the partner does when the operator hands something over. */
  set(settings: Record<string, string>): void {
    Object.assign(this.env, settings);
  }

  /** Runs the guide's block `<side>:<name>` with `bash -eu -o pipefail`, as someone pasting it would. */
  run(name: string, extra: Record<string, string> = {}): Promise<BlockResult> {
    const label = `${this.side}:${name}`;
    const script = this.blocks.get(label);
    if (script === undefined) throw new Error(`docs/partners.md has no \`\`\`bash ${label} block`);
    return new Promise((resolve, reject) => {
      const child = spawn('bash', ['-eu', '-o', 'pipefail', '-c', script], {
        cwd: this.dir,
        // Not a pipe: on a socket as stdin, Debian's bash thinks it was started by sshd and reads
        // /etc/bash.bashrc.
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...this.env, ...extra },
        // A block that waits for a record that never comes (kcat) fails the test, not the run.
        timeout: 90_000,
      });
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
      child.on('error', reject);
      child.on('close', (exitCode) =>
        resolve({
          exitCode: exitCode ?? -1,
          stdout: Buffer.concat(stdout).toString('utf8'),
          stderr: Buffer.concat(stderr).toString('utf8'),
        }),
      );
    });
  }

  /** Like `run`, for steps that must work: a failure stops the test with the block's own output. */
  async runOk(name: string, extra: Record<string, string> = {}): Promise<string> {
    const result = await this.run(name, extra);
    if (result.exitCode !== 0)
      throw new Error(
        `${this.side}:${name} exited ${result.exitCode}:\n${result.stdout}\n${result.stderr}`,
      );
    return result.stdout;
  }

  async dispose(): Promise<void> {
    // Only the agent a partner's gpg started for this machine's GNUPGHOME.
    if (this.env.GNUPGHOME !== undefined)
      spawnSync('gpgconf', ['--homedir', this.env.GNUPGHOME, '--kill', 'gpg-agent']);
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** The recipe's third tool besides gpg and kcat; CI installs it (`.ci/run`). Never skipped. */
export function requireJq(): void {
  const probe = spawnSync('jq', ['--version'], { encoding: 'utf8' });
  if (probe.error !== undefined || probe.status !== 0)
    throw new Error(
      'jq is not on PATH. The partner-guide recipe test runs the guide as a partner would, with ' +
        'gpg, kcat and jq only (Debian/Ubuntu: apt-get install jq); CI installs it. This test is ' +
        `never skipped. Cause: ${probe.error?.message ?? probe.stderr}`,
    );
}
