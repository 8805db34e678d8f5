import { readFileSync } from 'node:fs';
import { ConnectorApiClient } from '@samenloop/partner-side';
import { BundleProcess, type ProcessExit } from './bundle-process';
import type { ConnectorCredentials } from './connector-credentials';
import { freePort } from './free-port';
import type { GatewayScenario } from './gateway-scenario';
import { brokersFromEnvironment } from './kafka-test-kit';

/**
 * The built connector of one partner as a separate OS process, in a gateway scenario's namespace
 * and with its keys, so a test can SIGKILL it like a crash would and start it again.
 */
export class ConnectorProcess extends BundleProcess {
  private constructor(
    readonly partnerId: string,
    env: Record<string, string>,
    private readonly credentials: ConnectorCredentials,
    readonly mode: 'mtls' | 'oauth2',
    readonly baseUrl: string,
  ) {
    super('connector', env);
  }

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
    await this.launch(
      async () => (await this.client().call('GET', '/health')).status === 200,
      timeoutMs,
    );
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
}
