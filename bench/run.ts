/**
 * `npm run bench [-- --quick]`: performance figures with ratios against baselines measured in the
 * same run (the machine is small and noisy: compare ratios, not absolute times). Prints a JSON
 * summary and writes it to bench/results/<timestamp>.json. Not part of the tests.
 *
 * Kafka is obtained as the integration tests do (KAFKA_BROKERS, a container, or deploy/kafka) and
 * the gateway runs as its built bundle in its own process, as `npm start` runs it.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ContractValidator } from '@samenloop/contracts';
import { loadPolicyDirectory, policyContext } from '@samenloop/policy';
import { obtainBroker } from '../test/support/broker';
import { testKafka } from '../test/support/kafka-test-kit';
import { registry } from '../test/support/partner-kit';
import {
  ENTRY_FOR_THREE,
  ENTRY_RECIPIENTS,
  ZORGMELDING_FOR_VT,
  signedSubmissions,
} from './bench-submissions';
import { measureConnectorLatency, type ConnectorLatency } from './connector-latency';
import { hubDocuments, measureCryptoFloor } from './crypto-floor';
import { measureEncryptionSoak, SOAK_ENCRYPTIONS, SOAK_STALL_SECONDS } from './encryption-soak';
import { measureExtractThroughput, type ExtractThroughput } from './extract-throughput';
import { HubUnderLoad, type HubLoadFigures } from './hub-under-load';
import type { LoadFigures, OfferedLoad } from './load-generator';
import { measureCedarPolicy } from './policy-cedar';
import { measurePolicyCost, policyBenchRequests } from './policy-cost';
import { measureRawKafka } from './raw-kafka';

const ROOT = path.resolve(__dirname, '..');
const quick = process.argv.includes('--quick');
const example = (file: string) => readFileSync(path.join(ROOT, 'schemas', file), 'utf8');

/**
 * Offered loads, how many messages each phase measures, and for how many seconds the gateway is
 * first warmed up at that load, uncounted (JIT, pools and the broker's batches settle; without it a
 * short phase measures mostly warm-up). Quick mode measures fewer, but 100 msg/s for 30 s still.
 * 100 msg/s warms up for 40 s: the broker, started by the bench, is still compiling its transaction
 * paths after 10 s (0.69 of a core instead of 0.48, p99 368 ms instead of 96 ms over the next
 * 3,000 messages, same gateway); a production broker has long been warm.
 */
const PHASES: readonly { load: OfferedLoad; messages: number; warmUpSeconds: number }[] = quick
  ? [
      { load: 10, messages: 30, warmUpSeconds: 5 },
      { load: 100, messages: 3_000, warmUpSeconds: 40 },
      { load: 1_000, messages: 1_500, warmUpSeconds: 0 },
      { load: 'saturation', messages: 1_500, warmUpSeconds: 0 },
    ]
  : [
      { load: 10, messages: 300, warmUpSeconds: 5 },
      { load: 100, messages: 3_000, warmUpSeconds: 40 },
      { load: 1_000, messages: 10_000, warmUpSeconds: 0 },
      { load: 'saturation', messages: 10_000, warmUpSeconds: 0 },
    ];
/** Quick mode's soak stays within seconds; `npm run bench:soak` runs the full one alone. */
const SOAK = quick ? 10_000 : SOAK_ENCRYPTIONS;
/** A national year of police reports to VT. */
const REPLAY_NATIONAL_YEAR = 80_000;
const REPLAY = quick ? 2_000 : REPLAY_NATIONAL_YEAR;
const WARM_UP = 50;
/** Zorgmeldingen through two partner connectors, then directly, at a case system's steady pace. */
const CONNECTOR_PHASE = { messages: quick ? 50 : 300, perSecond: 10 };
/** Rows of the ZSM verdachtenmonitor extract, through the police connector's file folder and directly. */
const EXTRACT_ROWS = quick ? 500 : 2_000;

async function main(): Promise<void> {
  const validator = new ContractValidator();
  const policy = loadPolicyDirectory(
    path.join(ROOT, 'deploy/policies'),
    policyContext(validator, registry),
  );
  const zorgmelding = example(ZORGMELDING_FOR_VT);
  const submissions = [
    zorgmelding,
    example('verdachtenmonitor-entry/examples/valid/partnergeweld-aangehouden-met-kinderen.json'),
    example(
      'veiligheidsbeoordeling/examples/valid/partnergeweld-kinderen-contact-en-locatieverbod.json',
    ),
  ];

  const entry = example(ENTRY_FOR_THREE);
  progress('crypto floor');
  const cryptoFloor = await measureCryptoFloor({
    submission: Buffer.from(entry),
    projections: hubDocuments(
      policy.decide(policyBenchRequests({ registry, validator, submissions: [entry] })[0]!),
    ),
    seconds: quick ? 6 : 30,
    blocksPerWriter: quick ? 4 : 10,
  });
  progress(`soak: ${SOAK} encryptions in a child process`);
  const soak = await measureEncryptionSoak({
    encryptions: SOAK,
    stallSeconds: SOAK_STALL_SECONDS,
  });
  const policyInputs = {
    policy,
    registry,
    validator,
    submissions,
    iterations: quick ? 20_000 : 200_000,
  };
  progress('policy: ours and cedar-wasm');
  const policyCost = measurePolicyCost(policyInputs);
  const cedar = measureCedarPolicy(policyInputs);

  const broker = await obtainBroker();
  process.env.KAFKA_BROKERS = broker.brokers;
  for (const app of ['gateway', 'connector'])
    execFileSync('npx', ['nest', 'build', app], { cwd: ROOT, stdio: 'ignore' });
  const kafka = testKafka('samenloop-bench');
  let raw: LoadFigures[];
  let hub: (HubLoadFigures & { readonly warmUpMessages: number })[];
  let replay: HubLoadFigures;
  let connectors: ConnectorLatency;
  let extract: ExtractThroughput;
  progress('starting the gateway');
  const hubUnderLoad = await HubUnderLoad.start(kafka, broker.pid);
  try {
    const partners = hubUnderLoad.scenario.partners;
    progress('signing the submissions of every phase as POLITIE-OB');
    const phases = [];
    for (const phase of PHASES) {
      phases.push({
        load: phase.load,
        records: await signedSubmissions(partners, ENTRY_FOR_THREE, phase.messages),
        warmUp: await signedSubmissions(
          partners,
          ENTRY_FOR_THREE,
          typeof phase.load === 'number' ? phase.load * phase.warmUpSeconds : 0,
        ),
      });
    }
    // The same records through Kafka alone, then through the hub.
    const warmUp = await signedSubmissions(partners, ENTRY_FOR_THREE, WARM_UP);
    progress('raw Kafka');
    raw = await measureRawKafka(kafka, [{ load: 'saturation', records: warmUp }, ...phases]);
    raw.shift();
    await hubUnderLoad.offer(warmUp, 'saturation', ENTRY_RECIPIENTS.length);
    // Before the load phases: the connectors read their partners' topics from the start.
    progress(
      `through two connectors, then directly: ${CONNECTOR_PHASE.messages} zorgmeldingen at ${CONNECTOR_PHASE.perSecond} msg/s`,
    );
    connectors = await measureConnectorLatency(hubUnderLoad, CONNECTOR_PHASE);
    progress(
      `a ${EXTRACT_ROWS}-row ZSM extract through the police connector's folder, then directly`,
    );
    extract = await measureExtractThroughput(hubUnderLoad, kafka, EXTRACT_ROWS);
    hub = [];
    for (const { load, records, warmUp: phaseWarmUp } of phases) {
      const at = load === 'saturation' ? load : `${load} msg/s`;
      if (phaseWarmUp.length > 0) {
        progress(`warming the hub up at ${at}: ${phaseWarmUp.length} messages, not counted`);
        await hubUnderLoad.offer(phaseWarmUp, load, ENTRY_RECIPIENTS.length);
      }
      progress(`hub at ${at}: ${records.length} messages`);
      hub.push({
        ...(await hubUnderLoad.offer(records, load, ENTRY_RECIPIENTS.length)),
        warmUpMessages: phaseWarmUp.length,
      });
    }
    // A region migrating its backlog pushes it all at once.
    progress(`replay: signing ${REPLAY} zorgmeldingen, then pushing them at once`);
    const backlog = await signedSubmissions(partners, ZORGMELDING_FOR_VT, REPLAY);
    replay = await hubUnderLoad.offer(backlog, 'saturation', 1);
  } finally {
    await hubUnderLoad.stop();
    await broker.stop();
  }

  const saturated = (figures: readonly LoadFigures[]) =>
    figures.find((figure) => figure.offeredPerSecond === 'saturation')!;
  const at100 = hub.find((figure) => figure.offeredPerSecond === 100)!;
  const ratio = (a: number, b: number) => Number((a / b).toFixed(3));
  const policyShare = Number(
    ((policyCost.usPerMessage / 1_000 / cryptoFloor.msPerMessage) * 100).toFixed(3),
  );
  const hubOverCryptoFloor = ratio(saturated(hub).throughputMsgPerSecond, cryptoFloor.msgPerSecond);
  const cedarOverOurs = ratio(cedar.nsPerDecision, policyCost.nsPerDecision);
  const openpgpOverNativeWriter = ratio(
    cryptoFloor.openpgp.writing.cpuMsPerMessage,
    cryptoFloor.native.writing.cpuMsPerMessage,
  );
  const summary = {
    timestamp: new Date().toISOString(),
    mode: quick ? 'quick' : 'full',
    machine: {
      cores: os.cpus().length,
      cpu: os.cpus()[0]?.model ?? 'unknown',
      memoryGiB: Number((os.totalmem() / 2 ** 30).toFixed(1)),
      platform: `${os.platform()} ${os.release()}`,
    },
    versions: {
      node: process.version,
      kafkajs: packageVersion('kafkajs'),
      openpgp: packageVersion('openpgp'),
      cedarWasm: cedar.version,
      kafka:
        broker.origin === 'deploy/kafka' ? `Apache Kafka ${localKafkaVersion()}` : broker.origin,
    },
    settings: {
      policyRules: policy.rules.length,
      partners: registry.partners.length,
      recipientsPerMessage: ENTRY_RECIPIENTS.length,
      hubMessage: ENTRY_FOR_THREE,
      replayMessage: ZORGMELDING_FOR_VT,
      broker: broker.brokers,
    },
    raw,
    crypto_floor: cryptoFloor,
    soak: {
      ...soak,
      ...(quick
        ? {
            scaledDown: `quick mode soaks ${SOAK} of ${SOAK_ENCRYPTIONS}; npm run bench:soak runs all`,
          }
        : {}),
    },
    hub,
    policy: { ours: policyCost, cedar, shareOfCryptoFloorPercent: policyShare },
    connectors,
    extract,
    replay: {
      ...replay,
      zorgmeldingen: REPLAY,
      seconds: Number((REPLAY / replay.throughputMsgPerSecond).toFixed(1)),
      ...(quick
        ? {
            scaledDown: `quick mode replays ${REPLAY} of a national year's ${REPLAY_NATIONAL_YEAR}`,
            nationalYearEstimateSeconds: Math.round(
              REPLAY_NATIONAL_YEAR / replay.throughputMsgPerSecond,
            ),
          }
        : {}),
    },
    ratios: {
      hub_over_raw: ratio(
        saturated(hub).throughputMsgPerSecond,
        saturated(raw).throughputMsgPerSecond,
      ),
      hub_over_crypto_floor: hubOverCryptoFloor,
      openpgp_over_native_writer: openpgpOverNativeWriter,
      openpgp_over_native_crypto_floor: ratio(
        cryptoFloor.openpgp.floor.cpuMsPerMessage,
        cryptoFloor.native.floor.cpuMsPerMessage,
      ),
      cedar_over_ours: cedarOverOurs,
      connectors_over_direct_p50: ratio(
        connectors.throughConnectors.latencyMs.p50,
        connectors.direct.latencyMs.p50,
      ),
      connectors_over_direct_p99: ratio(
        connectors.throughConnectors.latencyMs.p99,
        connectors.direct.latencyMs.p99,
      ),
      extract_file_over_direct: ratio(
        extract.throughFile.rowsPerSecond,
        extract.direct.rowsPerSecond,
      ),
    },
    targets: {
      hubAtLeast80PercentOfCryptoFloor: hubOverCryptoFloor >= 0.8,
      p99AtMost50MsAt100MsgPerSecond: at100.latencyMs.p99 <= 50,
      policyUnder2PercentOfCryptoFloor: policyShare < 2,
      singleDecisionAtLeast100TimesFasterThanCedar: cedarOverOurs >= 100,
      nativeWriterAtLeast2_5TimesCheaperThanOpenpgp: openpgpOverNativeWriter >= 2.5,
      soakFinished: soak.finished,
    },
  };
  const text = JSON.stringify(summary, null, 2);
  process.stdout.write(`${text}\n`);
  const results = path.join(ROOT, 'bench/results');
  mkdirSync(results, { recursive: true });
  const file = path.join(results, `${summary.timestamp.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${text}\n`);
  process.stdout.write(`written to ${path.relative(ROOT, file)}\n`);
}

/** The version deploy/kafka provisions from Maven Central. */
function localKafkaVersion(): string {
  const pom = readFileSync(path.join(ROOT, 'deploy/kafka/pom.xml'), 'utf8');
  return /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom)?.[1] ?? 'unknown';
}

/** Progress on stderr, so that stdout stays the JSON summary. */
function progress(step: string): void {
  process.stderr.write(`bench: ${step}…\n`);
}

function packageVersion(name: string): string {
  // Read from node_modules: some packages' exports do not include package.json.
  const file = path.join(ROOT, 'node_modules', name, 'package.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
