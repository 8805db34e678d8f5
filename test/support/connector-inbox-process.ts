import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { freePort } from './free-port';
import type { ProcessExit } from './gateway-process';
import { brokersFromEnvironment } from './kafka-test-kit';

const ROOT = path.resolve(__dirname, '../..');
const ENTRY = path.join(__dirname, 'connector-inbox-entry.ts');

/**
 * The connector's receiving side as a separate OS process (see connector-inbox-entry), so a test
 * can SIGKILL it like a crash would: no shutdown hooks, an open transaction left behind.
 */
export class InboxConnectorProcess {
  private process: ChildProcess | undefined;
  private output = '';
  private exit: Promise<ProcessExit> = Promise.resolve({ code: null, signal: null });

  private constructor(
    private readonly env: Record<string, string>,
    readonly baseUrl: string,
  ) {}

  static async create(settings: {
    partnerId: string;
    topicNamespace: string;
    keysDirectory: string;
  }): Promise<InboxConnectorProcess> {
    const port = await freePort();
    return new InboxConnectorProcess(
      {
        KAFKA_BROKERS: brokersFromEnvironment().join(','),
        CONNECTOR_PARTNER_ID: settings.partnerId,
        SAMENLOOP_TOPIC_NAMESPACE: settings.topicNamespace,
        SAMENLOOP_KEYS_DIR: settings.keysDirectory,
        CONNECTOR_HTTP_PORT: String(port),
      },
      `http://127.0.0.1:${port}`,
    );
  }

  /** Starts the process and resolves once it answers GET /v1/ontvangen (its inbox read back). */
  async start(timeoutMs = 90_000): Promise<void> {
    const child = spawn(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', ENTRY],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', ...this.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.process = child;
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exit = new Promise((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    let exited = false;
    void this.exit.then(() => (exited = true));
    for (const deadline = Date.now() + timeoutMs; Date.now() < deadline && !exited;) {
      try {
        if ((await fetch(`${this.baseUrl}/v1/ontvangen?limiet=1`)).status === 200) return;
      } catch {
        // Not listening yet.
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`connector did not answer (exited: ${exited}); output:\n${this.output}`);
  }

  /** A crash: no shutdown hooks, no offset commits, an open transaction left behind. */
  async kill(): Promise<void> {
    this.process?.kill('SIGKILL');
    await this.exit;
  }

  get logs(): string {
    return this.output;
  }
}
