import { fork } from 'node:child_process';
import path from 'node:path';

/** What the soak's child reports, every thousand encryptions and when it starts. */
/** Beyond the 22k–160k iterations after which the Node 20 trap struck. */
export const SOAK_ENCRYPTIONS = 500_000;
export const SOAK_STALL_SECONDS = 60;
/** How often the soak tells the operator (stderr) how far it got. */
const SHOW_EVERY = 50_000;

export interface SoakProgress {
  readonly done: number;
  readonly documentBytes: number;
  /** The child's peak resident set so far (`process.resourceUsage().maxRSS`). */
  readonly peakRssKiB: number;
}

export interface SoakFigures {
  readonly encryptions: number;
  /** Reached; equals `encryptions` when finished. */
  readonly done: number;
  readonly finished: boolean;
  /** Why it did not finish: the watchdog's kill or the child's own exit. */
  readonly failure?: string;
  readonly seconds: number;
  readonly usPerEncryption: number;
  readonly documentBytes: number;
  readonly peakRssMiB: number;
}

/**
 * ≥ 500k encryptions with `signAndEncrypt` in a child process: Node 20 deadlocked a loop of X25519
 * key generation and JWK export after 22k–160k iterations (`/work/shared/notes/openpgp.md`), so
 * the writer must be seen to survive far beyond that. A child that reports no progress for
 * `stallSeconds` is killed and the soak reported unfinished, with the count it reached.
 */
export async function measureEncryptionSoak(options: {
  readonly encryptions: number;
  readonly stallSeconds: number;
}): Promise<SoakFigures> {
  const child = fork(
    path.join(__dirname, 'encryption-soak-worker.ts'),
    [String(options.encryptions)],
    {
      cwd: path.resolve(__dirname, '..'),
      execArgv: ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  let last: SoakProgress = { done: 0, documentBytes: 0, peakRssKiB: 0 };
  let startedAt: number | undefined;
  let lastAt = performance.now();
  let failure: string | undefined;
  const watchdog = setInterval(() => {
    if (performance.now() - lastAt < options.stallSeconds * 1000) return;
    failure = `no progress for ${options.stallSeconds} s: killed`;
    child.kill('SIGKILL');
  }, 1000);
  child.on('message', (message: SoakProgress) => {
    lastAt = performance.now();
    startedAt ??= lastAt;
    last = message;
    if (message.done % SHOW_EVERY === 0 && message.done > 0)
      process.stderr.write(`bench: soak ${message.done}/${options.encryptions}\n`);
  });
  const exit = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearInterval(watchdog);
  const finished = last.done === options.encryptions && exit === 0;
  if (!finished) failure ??= `the child exited with ${exit ?? 'a signal'}`;
  const seconds = startedAt === undefined ? 0 : (lastAt - startedAt) / 1000;
  return {
    encryptions: options.encryptions,
    done: last.done,
    finished,
    ...(failure && !finished ? { failure } : {}),
    seconds: Number(seconds.toFixed(1)),
    usPerEncryption: last.done ? Math.round((seconds * 1e6) / last.done) : 0,
    documentBytes: last.documentBytes,
    peakRssMiB: Number((last.peakRssKiB / 1024).toFixed(1)),
  };
}
