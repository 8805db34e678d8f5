import { BundleProcess, type ProcessExit } from './bundle-process';
import { freePort } from './free-port';
import { brokersFromEnvironment } from './kafka-test-kit';

/** The built gateway as a separate OS process, so a test can SIGKILL it like a crash would. */
export class GatewayProcess extends BundleProcess {
  private constructor(
    env: Record<string, string>,
    private readonly port: number,
  ) {
    super('gateway', env);
  }

  static async create(settings: Record<string, string>): Promise<GatewayProcess> {
    const port = await freePort();
    return new GatewayProcess(
      {
        // Settings may name another broker, e.g. the secure one with the hub's credentials.
        KAFKA_BROKERS: brokersFromEnvironment().join(','),
        ...settings,
        GATEWAY_HTTP_PORT: String(port),
        LOG_LEVEL: 'info',
      },
      port,
    );
  }

  /**
   * Starts the process and resolves once its health endpoint reports the pipeline running, or with
   * `role: 'standby'` once it is healthy at all (a standby while another instance is active).
   */
  async start(timeoutMs = 60_000, role: 'active' | 'standby' = 'active'): Promise<void> {
    await this.launch(async () => {
      const { status, state } = await this.health();
      return status === 200 && (role === 'standby' || state === 'running');
    }, timeoutMs);
  }

  /** What /health answers now: its HTTP status and the pipeline's state. */
  async health(): Promise<{ status: number; state: string }> {
    const response = await fetch(`http://127.0.0.1:${this.port}/health`);
    const body = (await response.json()) as { state?: string };
    return { status: response.status, state: String(body.state) };
  }

  /** A crash: no shutdown hooks, no offset commits, an open transaction left behind. */
  async kill(): Promise<void> {
    this.process?.kill('SIGKILL');
    await this.exit;
  }

  /** A stall (a long GC pause, a frozen VM): the process stops without exiting, until `resume`. */
  pause(): void {
    this.process?.kill('SIGSTOP');
  }

  resume(): void {
    this.process?.kill('SIGCONT');
  }

  /** A polite stop; resolves with how the process ended once it is gone. */
  async terminate(): Promise<ProcessExit> {
    this.process?.kill('SIGTERM');
    return this.exit;
  }

  /** Resolves once the gateway has logged a line matching `pattern` (after `since` characters of output). */
  async logged(pattern: RegExp, since = 0, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.logs.slice(since))) {
      if (Date.now() > deadline)
        throw new Error(`gateway did not log ${String(pattern)}; output:\n${this.logs}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
