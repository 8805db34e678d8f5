import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

const ROOT = path.resolve(__dirname, '../..');

/**
 * A built app (`dist/apps/<app>/main.js`) as a separate OS process, as `npm start` runs it, so a
 * test can SIGKILL it like a crash would and start it again.
 */
export abstract class BundleProcess {
  protected process: ChildProcess | undefined;
  private output = '';
  protected exit: Promise<ProcessExit> = Promise.resolve({ code: null, signal: null });

  protected constructor(
    private readonly app: 'gateway' | 'connector',
    protected readonly env: Record<string, string>,
  ) {}

  /** Spawns the bundle, then waits until `ready` holds; fails with the output if it exits first. */
  protected async launch(ready: () => Promise<boolean>, timeoutMs: number): Promise<void> {
    const child = spawn(process.execPath, [path.join(ROOT, 'dist/apps', this.app, 'main.js')], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.process = child;
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exit = new Promise((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    const deadline = Date.now() + timeoutMs;
    let exited = false;
    void this.exit.then(() => (exited = true));
    while (Date.now() < deadline && !exited) {
      try {
        if (await ready()) return;
      } catch {
        // Not listening yet.
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(
      `${this.app} did not become healthy (exited: ${exited}); output:\n${this.output}`,
    );
  }

  /** The running process's id, e.g. to read its CPU time. */
  get pid(): number | undefined {
    return this.process?.pid;
  }

  get logs(): string {
    return this.output;
  }
}
