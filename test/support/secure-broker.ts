import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { kafkaConnectionFromEnvironment } from '@samenloop/messaging';
import { probeBroker } from './broker';

/** The project's own broker in secure mode: SASL_SSL with SCRAM-SHA-512, ACLs enforced. */
export interface SecureTestBroker {
  readonly brokers: string;
  /** Its work dir: `tls/ca.pem` and `credentials/<principal>.password`. */
  readonly directory: string;
  readonly pid: number;
  stop(): Promise<void>;
}

const KAFKA_SCRIPTS = path.resolve(__dirname, '../../deploy/kafka');

function secureWorkDirectory(): string {
  return path.resolve(
    process.env.KAFKA_SECURE_WORK_DIR ?? path.join(KAFKA_SCRIPTS, '.work-secure'),
  );
}

/**
 * Starts deploy/kafka in secure mode (a no-op when it runs) and waits until `admin` gets answers
 * from Node too. Always the local one, even when KAFKA_BROKERS names someone else's broker: the
 * tests need its CA and every principal's password.
 */
export async function obtainSecureBroker(): Promise<SecureTestBroker> {
  const wasRunning = spawnSync('bash', [path.join(KAFKA_SCRIPTS, 'status-secure.sh')]).status === 0;
  execFileSync('bash', [path.join(KAFKA_SCRIPTS, 'start-secure.sh')], { stdio: 'inherit' });
  const brokers = `127.0.0.1:${process.env.KAFKA_SECURE_PORT ?? '19094'}`;
  const directory = secureWorkDirectory();
  await probeBroker(
    brokers,
    kafkaConnectionFromEnvironment(secureEnvironmentOf(brokers, directory, 'admin')),
    60_000,
  );
  return {
    brokers,
    directory,
    pid: Number(readFileSync(path.join(directory, 'broker.pid'), 'utf8').trim()),
    // A broker the developer had running stays up; one started for the tests is stopped after them.
    stop: () => {
      if (!wasRunning)
        execFileSync('bash', [path.join(KAFKA_SCRIPTS, 'stop-secure.sh')], { stdio: 'inherit' });
      return Promise.resolve();
    },
  };
}

/**
 * The `KAFKA_*` client settings of `principal` on the secure broker, for `testKafka(id, env)`, a
 * gateway process or the CLI. The password file is read when a client is built from these
 * settings, so clients built after a rotation use the new password.
 */
export function secureClientEnvironment(principal: string): Record<string, string> {
  const brokers = process.env.SAMENLOOP_SECURE_KAFKA_BROKERS;
  const directory = process.env.SAMENLOOP_SECURE_KAFKA_DIR;
  if (!brokers || !directory)
    throw new Error(
      'SAMENLOOP_SECURE_KAFKA_BROKERS or SAMENLOOP_SECURE_KAFKA_DIR is not set: the integration global setup did not start the secure broker',
    );
  return secureEnvironmentOf(brokers, directory, principal);
}

function secureEnvironmentOf(
  brokers: string,
  directory: string,
  principal: string,
): Record<string, string> {
  return {
    KAFKA_BROKERS: brokers,
    KAFKA_SECURITY_PROTOCOL: 'SASL_SSL',
    KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
    KAFKA_SASL_USERNAME: principal,
    KAFKA_SASL_PASSWORD_FILE: path.join(directory, 'credentials', `${principal}.password`),
    KAFKA_SSL_CA_FILE: path.join(directory, 'tls', 'ca.pem'),
  };
}

/** Gives `principal` a new SCRAM password through deploy/kafka/scram-user.sh; the old one stops working. */
export function rotateScramPassword(principal: string): void {
  const directory = process.env.SAMENLOOP_SECURE_KAFKA_DIR;
  if (!directory)
    throw new Error(
      'SAMENLOOP_SECURE_KAFKA_DIR is not set: the integration global setup did not run',
    );
  execFileSync('bash', [path.join(KAFKA_SCRIPTS, 'scram-user.sh'), principal], {
    env: { ...process.env, KAFKA_SECURE_WORK_DIR: directory },
    stdio: 'pipe',
  });
}
