// Jest's global setup runs outside the projects' moduleNameMapper, so the @samenloop aliases come from tsconfig.
import 'tsconfig-paths/register';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { obtainBroker, type TestBroker } from './broker';
import { obtainSecureBroker, type SecureTestBroker } from './secure-broker';

declare global {
  var samenloopTestBroker: TestBroker | undefined;
  var samenloopSecureTestBroker: SecureTestBroker | undefined;
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
  const secure = await obtainSecureBroker();
  globalThis.samenloopSecureTestBroker = secure;
  // secureClientEnvironment(principal) in the workers builds its settings from these two.
  process.env.SAMENLOOP_SECURE_KAFKA_BROKERS = secure.brokers;
  process.env.SAMENLOOP_SECURE_KAFKA_DIR = secure.directory;
  process.stdout.write(`secure-mode tests use Kafka at ${secure.brokers} (SASL_SSL)\n`);
  // Process-level tests (hard kill and restart) run the built gateway and connector, exactly as `npm start` does.
  execFileSync('npx', ['nest', 'build', 'gateway'], { cwd: ROOT, stdio: 'inherit' });
  execFileSync('npx', ['nest', 'build', 'connector'], { cwd: ROOT, stdio: 'inherit' });
}
