import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConnectorApiClient } from '@samenloop/partner-side';
import type { ConnectorCredentials } from './connector-credentials';
import { freePort } from './free-port';
import type { GatewayScenario } from './gateway-scenario';
import type { ProcessExit } from './gateway-process';
import { brokersFromEnvironment } from './kafka-test-kit';

const CONNECTOR_BUNDLE = path.resolve(__dirname, '../../dist/apps/connector/main.js');

/**
 * The built connector of one partner as a separate OS process, in a gateway scenario's namespace
 * and with its keys, so a test can SIGKILL it like a crash would and start it again.
 */
export class ConnectorProcess {
  private process: ChildProcess | undefined;
  private output = '';
  private exit: Promise<ProcessExit> = Promise.resolve({ code: null, signal: null });

  private constructor(
    readonly partnerId: string,
    private readonly env: Record<string, string>,
    private readonly credentials: ConnectorCredentials,
    readonly mode: 'mtls' | 'oauth2',
    readonly baseUrl: string,
  ) {}

  static async create(
    scenario: GatewayScenario,
    partnerId: string,
    credentials: ConnectorCredentials,
    {
      mode = 'oauth2',
      settings = {},
    }: { mode?: 'mtls' | 'oauth2'; settings?: Record<string, string> } = {},
  ): Promise<ConnectorProcess> {
    const port = await freePort();
    return new ConnectorProcess(
      partnerId,
      {
        KAFKA_BROKERS: brokersFromEnvironment().join(','),
        SAMENLOOP_TOPIC_NAMESPACE: scenario.settings.SAMENLOOP_TOPIC_NAMESPACE!,
        SAMENLOOP_KEYS_DIR: scenario.partners.keysDirectory,
        CONNECTOR_PARTNER_ID: partnerId,
        CONNECTOR_HTTP_PORT: String(port),
        LOG_LEVEL: 'info',
        ...credentials.settings(mode),
        ...settings,
      },
      credentials,
      mode,
      `https://127.0.0.1:${port}`,
    );
  }

  /** Starts the process; resolves once /health answers 200 (submissions restored, listening). */
  async start(timeoutMs = 60_000): Promise<void> {
    const child = spawn(process.execPath, [CONNECTOR_BUNDLE], {
      cwd: path.resolve(__dirname, '../..'),
      env: { PATH: process.env.PATH ?? '', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.process = child;
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exit = new Promise((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    await this.waitUntilHealthy(timeoutMs);
  }

  /** The API as the partner's case system calls it; `anonymous` without any credentials. */
  client({
    anonymous = false,
    keepAlive = false,
  }: { anonymous?: boolean; keepAlive?: boolean } = {}): ConnectorApiClient {
    const ca = readFileSync(this.credentials.caFile);
    // By default a connection per call: a killed connector leaves no kept-alive socket to stumble on.
    const options = { keepAlive };
    if (anonymous) return new ConnectorApiClient(this.baseUrl, { ca }, options);
    return this.mode === 'mtls'
      ? new ConnectorApiClient(
          this.baseUrl,
          {
            ca,
            cert: readFileSync(this.credentials.client.certFile),
            key: readFileSync(this.credentials.client.keyFile),
          },
          options,
        )
      : new ConnectorApiClient(
          this.baseUrl,
          { ca },
          { ...options, token: () => this.credentials.token() },
        );
  }

  /** SIGKILL: a crash, nothing flushed; SIGTERM: a polite stop. Resolves once the process is gone. */
  async kill(signal: 'SIGKILL' | 'SIGTERM' = 'SIGTERM'): Promise<ProcessExit> {
    this.process?.kill(signal);
    return this.exit;
  }

  /** How the process ended, e.g. after a start-up error. */
  get exited(): Promise<ProcessExit> {
    return this.exit;
  }

  get logs(): string {
    return this.output;
  }

  private async waitUntilHealthy(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let exited = false;
    void this.exit.then(() => (exited = true));
    while (Date.now() < deadline && !exited) {
      try {
        if ((await this.client().call('GET', '/health')).status === 200) return;
      } catch {
        // Not listening yet.
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(
      `connector did not become healthy (exited: ${exited}); output:\n${this.output}`,
    );
  }
}
