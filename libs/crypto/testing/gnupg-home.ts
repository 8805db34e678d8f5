import { spawn, spawnSync } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/*
 * Partners run GnuPG 2.2, not openpgp.js: tests that prove interoperability drive the real gpg
 * binary, each in its own throw-away GNUPGHOME, with no network and no pinentry.
 */

export interface GpgResult {
  readonly exitCode: number;
  readonly stdout: Buffer;
  readonly stderr: string;
  /** `--status-fd` lines without the `[GNUPG:] ` prefix, e.g. `GOODSIG 1234… Partner`. */
  readonly status: readonly string[];
}

/** `gpg --quick-generate-key` algorithm and usage strings, e.g. `rsa3072` with `cert,sign`. */
export interface GnupgKeyShape {
  readonly primary: { readonly algorithm: string; readonly usage: string };
  readonly subkeys: readonly { readonly algorithm: string; readonly usage: string }[];
}

export interface GnupgGeneratedKey {
  readonly fingerprint: string;
  readonly publicKeyArmored: string;
  readonly privateKeyArmored: string;
}

export class GnupgHome {
  private constructor(readonly dir: string) {}

  static async create(): Promise<GnupgHome> {
    const dir = await mkdtemp(join(tmpdir(), 'samenloop-gpg-'));
    await chmod(dir, 0o700); // gpg warns about unsafe permissions otherwise
    return new GnupgHome(dir);
  }

  path(name: string): string {
    return join(this.dir, name);
  }

  /** Runs gpg against this home; status lines come on fd 3, apart from the human messages. */
  run(args: readonly string[], input?: string | Uint8Array): Promise<GpgResult> {
    const fullArgs = [
      '--batch',
      '--no-tty',
      '--homedir',
      this.dir,
      '--pinentry-mode',
      'loopback',
      '--trust-model',
      'always',
      '--status-fd',
      '3',
      ...args,
    ];
    return new Promise((resolve, reject) => {
      const child = spawn('gpg', fullArgs, { stdio: ['pipe', 'pipe', 'pipe', 'pipe'] });
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      const status: Buffer[] = [];
      child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
      child.stdio[3]?.on('data', (chunk: Buffer) => status.push(chunk));
      child.on('error', reject);
      // gpg may stop reading a large input early (a tampered message); its exit code tells why.
      child.stdin.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code !== 'EPIPE') reject(error);
      });
      child.on('close', (exitCode) =>
        resolve({
          exitCode: exitCode ?? -1,
          stdout: Buffer.concat(stdout),
          stderr: Buffer.concat(stderr).toString('utf8'),
          status: Buffer.concat(status)
            .toString('utf8')
            .split('\n')
            .filter((line) => line.startsWith('[GNUPG:] '))
            .map((line) => line.slice('[GNUPG:] '.length)),
        }),
      );
      child.stdin.end(input);
    });
  }

  /** Like `run`, for set-up steps: a failure stops the test with gpg's own explanation. */
  async runOk(args: readonly string[], input?: string | Uint8Array): Promise<GpgResult> {
    const result = await this.run(args, input);
    if (result.exitCode !== 0) {
      throw new Error(`gpg ${args.join(' ')} exited ${result.exitCode}:\n${result.stderr}`);
    }
    return result;
  }

  async importKey(armored: string): Promise<void> {
    await this.runOk(['--import'], armored);
  }

  /** A partner key made the GnuPG way: ed25519 (legacy EdDSA) signing key plus a cv25519 subkey. */
  async generateKey(
    userId: string,
    { signing = true }: { signing?: boolean } = {},
  ): Promise<{ fingerprint: string; publicKeyArmored: string }> {
    const { fingerprint, publicKeyArmored } = await this.generateKeyOfShape(userId, {
      primary: { algorithm: 'ed25519', usage: signing ? 'sign' : 'cert' },
      subkeys: [{ algorithm: 'cv25519', usage: 'encr' }],
    });
    return { fingerprint, publicKeyArmored };
  }

  /**
   * A key of any shape `gpg --quick-generate-key` / `--quick-add-key` can make, without expiry or
   * passphrase, exported with its secret parts (unprotected) for readers other than this home.
   */
  async generateKeyOfShape(userId: string, shape: GnupgKeyShape): Promise<GnupgGeneratedKey> {
    const noPassphrase = ['--passphrase', ''];
    const { primary, subkeys } = shape;
    await this.runOk([
      ...noPassphrase,
      '--quick-generate-key',
      userId,
      primary.algorithm,
      primary.usage,
      'never',
    ]);
    const fingerprint = await this.primaryFingerprint(userId);
    for (const subkey of subkeys) {
      await this.runOk([
        ...noPassphrase,
        '--quick-add-key',
        fingerprint,
        subkey.algorithm,
        subkey.usage,
        'never',
      ]);
    }
    const exported = await this.runOk(['--export', '--armor', fingerprint]);
    const exportedSecret = await this.runOk([
      ...noPassphrase,
      '--export-secret-keys',
      '--armor',
      fingerprint,
    ]);
    return {
      fingerprint,
      publicKeyArmored: exported.stdout.toString('utf8'),
      privateKeyArmored: exportedSecret.stdout.toString('utf8'),
    };
  }

  private async primaryFingerprint(userId: string): Promise<string> {
    const listing = await this.runOk(['--with-colons', '--list-keys', userId]);
    const fingerprint = listing.stdout
      .toString('utf8')
      .split('\n')
      .find((line) => line.startsWith('fpr:'))
      ?.split(':')[9];
    if (fingerprint === undefined) {
      throw new Error(`gpg listed no fingerprint for ${userId}`);
    }
    return fingerprint;
  }

  async dispose(): Promise<void> {
    // The agent gpg started for this home only; nothing else is touched.
    spawnSync('gpgconf', ['--homedir', this.dir, '--kill', 'gpg-agent']);
    await rm(this.dir, { recursive: true, force: true });
  }
}

export function requireGnupg(): void {
  const probe = spawnSync('gpg', ['--version'], { encoding: 'utf8' });
  if (probe.error !== undefined || probe.status !== 0) {
    throw new Error(
      'GnuPG (gpg) is not on PATH. The GnuPG interoperability tests need the real gpg 2.2 binary ' +
        '(Debian/Ubuntu: apt-get install gnupg); CI installs it. These tests are never skipped. ' +
        `Cause: ${probe.error?.message ?? probe.stderr}`,
    );
  }
  const version = /^gpg \(GnuPG\) (\d+)\.(\d+)/.exec(probe.stdout);
  if (version?.[1] !== '2' || Number(version[2]) < 2) {
    throw new Error(`expected GnuPG 2.2 or later on PATH, found: ${probe.stdout.split('\n')[0]}`);
  }
}
