// Jest's global setup runs outside the projects' moduleNameMapper, so the @samenloop aliases come from tsconfig.
import 'tsconfig-paths/register';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { obtainBroker, type TestBroker } from './broker';

declare global {
  var samenloopTestBroker: TestBroker | undefined;
}

const ROOT = path.resolve(__dirname, '../..');

export default async function globalSetup(): Promise<void> {
  const broker = await obtainBroker();
  globalThis.samenloopTestBroker = broker;
  // Test workers inherit the environment of this process.
  process.env.KAFKA_BROKERS = broker.brokers;
  // Fault tests stop and start the broker; they need to know whose it is.
  process.env.SAMENLOOP_TEST_BROKER_ORIGIN = broker.origin;
  process.stdout.write(`\nintegration tests use Kafka at ${broker.brokers} (${broker.origin})\n`);
  // Process-level tests (hard kill and restart) run the built gateway, exactly as `npm start` does.
  execFileSync('npx', ['nest', 'build', 'gateway'], { cwd: ROOT, stdio: 'inherit' });
}
