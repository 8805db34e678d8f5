import { execFileSync } from 'node:child_process';
import path from 'node:path';

const KAFKA_SCRIPTS = path.resolve(__dirname, '../../deploy/kafka');

/**
 * Stops and starts the broker the tests run on, for fault tests. Only the project's own broker
 * (deploy/kafka) can be restarted from here; a broker named in KAFKA_BROKERS belongs to someone else.
 */
export function restartableBroker(): { stop(): void; start(): void } {
  const origin = process.env.SAMENLOOP_TEST_BROKER_ORIGIN;
  if (origin !== 'deploy/kafka') {
    throw new Error(
      `this test stops and restarts the broker, which it can do only with the project's own broker (deploy/kafka); the tests run on ${origin ?? 'an unknown broker'}: unset KAFKA_BROKERS to use deploy/kafka`,
    );
  }
  const run = (script: string) =>
    execFileSync('bash', [path.join(KAFKA_SCRIPTS, script)], { stdio: 'inherit' });
  return { stop: () => run('stop.sh'), start: () => run('start.sh') };
}
