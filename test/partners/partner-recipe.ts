import { spawn, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from '../support/partner-kit';

/** The partner guide the recipe test follows; its `recipe:` blocks are run as printed. */
export const PARTNER_GUIDE = path.join(ROOT, 'docs/partners.md');

/**
 * What a partner has: the shell's own tools plus gpg, kcat and jq — not node_modules/.bin, and
 * nothing of this repository.
 */
const PARTNER_PATH = '/usr/local/bin:/usr/bin:/bin';

/** The guide's shell blocks by name: ```` ```bash recipe:make-key ```` becomes `make-key`. */
export async function recipeBlocks(file = PARTNER_GUIDE): Promise<ReadonlyMap<string, string>> {
  const markdown = await readFile(file, 'utf8');
  const blocks = new Map<string, string>();
  for (const match of markdown.matchAll(/^```bash recipe:([a-z-]+)\n([\s\S]*?)^```$/gm)) {
    const [, name, script] = match;
    if (blocks.has(name!)) throw new Error(`${file} has two recipe:${name} blocks`);
    blocks.set(name!, script!);
  }
  return blocks;
}

export interface BlockResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * One partner's machine: a working folder with a GnuPG home of its own, and the settings the
 * guide's table names as environment variables. Nothing else of the test's environment reaches
 * the blocks.
 */
export class PartnerMachine {
  private constructor(
    readonly dir: string,
    private readonly blocks: ReadonlyMap<string, string>,
    private readonly settings: Record<string, string>,
  ) {}

  static async create(
    blocks: ReadonlyMap<string, string>,
    settings: Record<string, string>,
  ): Promise<PartnerMachine> {
    const dir = await mkdtemp(path.join(tmpdir(), 'samenloop-partner-'));
    const gnupgHome = path.join(dir, 'gnupg');
    // 0700: gpg warns about a home others can read.
    await mkdir(gnupgHome, { mode: 0o700 });
    return new PartnerMachine(dir, blocks, { ...settings, GNUPGHOME: gnupgHome });
  }

  file(name: string): string {
    return path.join(this.dir, name);
  }

  /** Adds or replaces settings, as the partner does when the operator hands something over. */
  set(settings: Record<string, string>): void {
    Object.assign(this.settings, settings);
  }

  /** Runs the guide's block `name` with `bash -eu -o pipefail`, as a partner pasting it would. */
  run(name: string, extra: Record<string, string> = {}): Promise<BlockResult> {
    const script = this.blocks.get(name);
    if (script === undefined)
      throw new Error(`docs/partners.md has no \`\`\`bash recipe:${name} block`);
    return new Promise((resolve, reject) => {
      const child = spawn('bash', ['-eu', '-o', 'pipefail', '-c', script], {
        cwd: this.dir,
        // Not a pipe: on a socket as stdin, Debian's bash thinks it was started by sshd and reads
        // /etc/bash.bashrc.
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { PATH: PARTNER_PATH, HOME: this.dir, ...this.settings, ...extra },
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
        `recipe:${name} exited ${result.exitCode}:\n${result.stdout}\n${result.stderr}`,
      );
    return result.stdout;
  }

  async dispose(): Promise<void> {
    // Only the agent the recipe's gpg started for this machine's GNUPGHOME.
    spawnSync('gpgconf', ['--homedir', this.file('gnupg'), '--kill', 'gpg-agent']);
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
