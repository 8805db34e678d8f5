/**
 * `npm run bench [-- --quick]`: performance figures with ratios against baselines measured in the
 * same run (the machine is small and noisy: compare ratios, not absolute times). Prints a JSON
 * summary and writes it to bench/results/<timestamp>.json. Not part of the tests.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ContractValidator } from '@samenloop/contracts';
import { PartnerRegistry } from '@samenloop/partners';
import { loadPolicyDirectory, policyContext } from '@samenloop/policy';
import { measureCryptoFloor } from './crypto-floor';
import { measurePolicyCost } from './policy-cost';

const ROOT = path.resolve(__dirname, '..');
const quick = process.argv.includes('--quick');
const example = (file: string) => readFileSync(path.join(ROOT, 'schemas', file), 'utf8');

async function main(): Promise<void> {
  const validator = new ContractValidator();
  const registry = PartnerRegistry.fromYaml(
    readFileSync(path.join(ROOT, 'deploy/partners/oost-brabant.yaml'), 'utf8'),
    'oost-brabant.yaml',
  );
  const policy = loadPolicyDirectory(
    path.join(ROOT, 'deploy/policies'),
    policyContext(validator, registry),
  );
  const zorgmelding = example('zorgmelding/examples/valid/partnergeweld-met-kinderen.json');
  const submissions = [
    zorgmelding,
    example('verdachtenmonitor-entry/examples/valid/partnergeweld-aangehouden-met-kinderen.json'),
    example(
      'veiligheidsbeoordeling/examples/valid/partnergeweld-kinderen-contact-en-locatieverbod.json',
    ),
  ];

  const cryptoFloor = await measureCryptoFloor({
    payload: Buffer.from(zorgmelding),
    recipients: 3,
    seconds: quick ? 5 : 20,
  });
  const policyCost = measurePolicyCost({
    policy,
    registry,
    validator,
    submissions,
    iterations: quick ? 20_000 : 200_000,
  });
  const summary = {
    timestamp: new Date().toISOString(),
    mode: quick ? 'quick' : 'full',
    machine: {
      cores: os.cpus().length,
      cpu: os.cpus()[0]?.model ?? 'unknown',
      memoryGiB: Number((os.totalmem() / 2 ** 30).toFixed(1)),
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
    },
    settings: { policyRules: policy.rules.length, partners: registry.partners.length },
    crypto_floor: cryptoFloor,
    policy: {
      ours: policyCost,
      shareOfCryptoFloor: Number(
        ((policyCost.usPerMessage / 1_000 / cryptoFloor.msPerMessage) * 100).toFixed(3),
      ),
    },
    notYetMeasured: ['raw', 'hub', 'replay', 'policy.cedar', 'ratios'],
  };
  const text = JSON.stringify(summary, null, 2);
  process.stdout.write(`${text}\n`);
  const results = path.join(ROOT, 'bench/results');
  mkdirSync(results, { recursive: true });
  const file = path.join(results, `${summary.timestamp.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${text}\n`);
  process.stdout.write(`written to ${path.relative(ROOT, file)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
