import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import {
  kafkaConnectionFromEnvironment,
  kafkaSecurityOptions,
  PLAINTEXT_CONNECTION,
  waitForBroker,
  type KafkaConnection,
} from '@samenloop/messaging';
import { freePort } from './free-port';

export interface TestBroker {
  readonly brokers: string;
  readonly origin: 'KAFKA_BROKERS' | 'testcontainers' | 'deploy/kafka';
  /** The broker's process id, when it is the project's own broker on this machine. */
  readonly pid?: number;
  stop(): Promise<void>;
}

const KAFKA_SCRIPTS = path.resolve(__dirname, '../../deploy/kafka');
const KAFKA_IMAGE = 'apache/kafka:3.9.1';

/**
 * In this order: KAFKA_BROKERS (reached with the KAFKA_* security settings); a container when a
 * Docker engine answers; the project's own broker.
 */
export async function obtainBroker(): Promise<TestBroker> {
  const configured = process.env.KAFKA_BROKERS;
  if (configured) {
    await probeBroker(configured, kafkaConnectionFromEnvironment(process.env), 30_000);
    return { brokers: configured, origin: 'KAFKA_BROKERS', stop: async () => {} };
  }
  if (await dockerAnswers()) return startContainer();
  return startLocalBroker();
}

async function dockerAnswers(): Promise<boolean> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch {
    // No Docker engine (the development and CI machines have none): use the local broker.
    return false;
  }
}

async function startContainer(): Promise<TestBroker> {
  const { GenericContainer } = await import('testcontainers');
  const hostPort = await freePort();
  const container = await new GenericContainer(KAFKA_IMAGE)
    .withExposedPorts({ container: 19092, host: hostPort })
    .withEnvironment({
      KAFKA_NODE_ID: '1',
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_LISTENERS: 'PLAINTEXT://:19092,CONTROLLER://:19093',
      KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://127.0.0.1:${hostPort}`,
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:19093',
      KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
    })
    .start();
  const brokers = `127.0.0.1:${hostPort}`;
  await probeBroker(brokers, PLAINTEXT_CONNECTION, 120_000);
  return {
    brokers,
    origin: 'testcontainers',
    stop: async () => {
      await container.stop();
    },
  };
}

/** Waits until the brokers answer the admin API over `connection`, naming them when they do not. */
export async function probeBroker(
  brokers: string,
  connection: KafkaConnection,
  timeoutMs: number,
): Promise<void> {
  const kafka = new Kafka({
    brokers: brokers.split(','),
    ...kafkaSecurityOptions(connection),
    logLevel: logLevel.NOTHING,
  });
  try {
    await waitForBroker(kafka, timeoutMs);
  } catch (error) {
    throw new Error(
      `Kafka at ${brokers} did not answer over ${connection.securityProtocol}${connection.sasl ? ` as ${connection.sasl.username}` : ''} within ${timeoutMs} ms`,
      { cause: error },
    );
  }
}

function startLocalBroker(): TestBroker {
  const wasRunning = spawnSync('bash', [path.join(KAFKA_SCRIPTS, 'status.sh')]).status === 0;
  execFileSync('bash', [path.join(KAFKA_SCRIPTS, 'start.sh')], { stdio: 'inherit' });
  const port = process.env.KAFKA_PORT ?? '19092';
  const workDirectory = process.env.KAFKA_WORK_DIR ?? path.join(KAFKA_SCRIPTS, '.work');
  return {
    brokers: `127.0.0.1:${port}`,
    origin: 'deploy/kafka',
    pid: Number(readFileSync(path.join(workDirectory, 'broker.pid'), 'utf8').trim()),
    // A broker the developer had running stays up; one started for the tests is stopped after them.
    stop: async () => {
      if (!wasRunning)
        execFileSync('bash', [path.join(KAFKA_SCRIPTS, 'stop.sh')], { stdio: 'inherit' });
      return Promise.resolve();
    },
  };
}
