/**
 * How long `GET /health` waits while the gateway reloads a 10 MB policy: the built gateway on a
 * real broker, /health asked every 10 ms before, during and after the reload. Prints figures; it
 * asserts nothing (the machine is small and noisy).
 *
 *   KAFKA_BROKERS=127.0.0.1:19092 npx ts-node -r tsconfig-paths/register --transpile-only \
 *     bench/policy-reload-health.ts [--megabytes 10]
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { newGatewayScenario } from '../test/support/gateway-scenario';
import { testKafka } from '../test/support/kafka-test-kit';
import { copyPolicyFolder } from '../test/support/policy-folder';

const option = process.argv.indexOf('--megabytes');
const megabytes = option > 0 ? Number(process.argv[option + 1]) : 10;

/**
 * Notification-only rules for the operator about parked messages, which it receives in full under
 * sig.geparkeerd.beheer anyway: the policy grows, every decision and every policy test stays as it
 * was. A file holds at most 1,000 rules, so a large policy is several files, as a region would
 * split it.
 */
export function largePolicy(bytes: number): Map<string, string> {
  const padding = (text: string, length: number) => text.padEnd(length, ' x').slice(0, length);
  const files = new Map<string, string>();
  let size = 0;
  for (let file = 1; size < bytes; file++) {
    const rules: string[] = [];
    for (let index = 0; index < 1_000 && size < bytes; index++) {
      const id = `${file}.${index}`;
      const rule = `  - id: groot.${id}
    description: ${padding(`Regel ${id} van een groot beleid`, 480)}
    recipient: { kind: BEHEER }
    messageType: nl.samenloop.routering-geparkeerd
    stages: [melding]
    notificationOnly: true
    purpose: ${padding(`Doel ${id}`, 190)}
    legalBasis: { label: ${padding(`Label ${id}`, 190)}, reference: ${padding(`Referentie ${id}`, 190)} }
`;
      rules.push(rule);
      size += rule.length;
    }
    files.set(
      `oost-brabant-groot-${file}.yaml`,
      `policy: { name: groot-${file} }\nrules:\n${rules.join('')}`,
    );
  }
  return files;
}

const EVENT_LOOP_PROBE = `
const { isMainThread } = require('node:worker_threads');
if (isMainThread) {
  const { monitorEventLoopDelay } = require('node:perf_hooks');
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  setInterval(() => {
    process.stderr.write(JSON.stringify({ probe: Date.now(), eventLoopDelayMaxMs: delay.max / 1e6 }) + '\\n');
    delay.reset();
  }, 100).unref();
}
`;

/** The largest event-loop delay the gateway's main thread saw between two wall-clock times. */
function eventLoopDelayMaxMs(logs: string, from: number, to: number): number {
  let max = 0;
  for (const match of logs.matchAll(/"probe":(\d+),"eventLoopDelayMaxMs":([\d.]+)/g)) {
    const at = Number(match[1]);
    if (at >= from && at <= to + 100) max = Math.max(max, Number(match[2]));
  }
  return Number(max.toFixed(1));
}

interface Sample {
  readonly at: number;
  readonly ms: number;
}

function summary(samples: readonly Sample[]) {
  const sorted = samples.map((sample) => sample.ms).sort((a, b) => a - b);
  const at = (quantile: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(quantile * sorted.length))] ?? 0;
  return {
    requests: sorted.length,
    p50Ms: Number(at(0.5).toFixed(1)),
    p99Ms: Number(at(0.99).toFixed(1)),
    maxMs: Number((sorted.at(-1) ?? 0).toFixed(1)),
  };
}

async function main(): Promise<void> {
  const kafka = testKafka();
  const folder = copyPolicyFolder();
  // The gateway's own view: its main thread's event-loop delay, every 100 ms (perf_hooks).
  const probe = path.join(folder.directory, '..', `event-loop-probe-${process.pid}.js`);
  writeFileSync(probe, EVENT_LOOP_PROBE);
  const scenario = await newGatewayScenario(kafka, {
    SAMENLOOP_POLICY_DIR: folder.directory,
    NODE_OPTIONS: `--require ${probe}`,
  });
  const gateway = await scenario.startGateway();
  try {
    const health = /"health":"([^"]+)"/.exec(gateway.logs)?.[1];
    if (!health) throw new Error('the gateway did not log its health endpoint');
    const samples: Sample[] = [];
    let polling = true;
    const poll = (async () => {
      while (polling) {
        const started = performance.now();
        await fetch(health).then((response) => response.arrayBuffer());
        samples.push({ at: started, ms: performance.now() - started });
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const files = largePolicy(megabytes * 1024 * 1024);
    const mark = gateway.logs.length;
    const written = performance.now();
    const writtenAt = Date.now();
    for (const [name, text] of files) writeFileSync(path.join(folder.directory, name), text);
    await gateway.logged(/policy reloaded|policy change refused/, mark, 120_000);
    const reloaded = performance.now();
    const reloadedAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    polling = false;
    await poll;
    const outcome =
      /policy reloaded/.exec(gateway.logs.slice(mark))?.[0] ??
      gateway.logs
        .slice(mark)
        .split('\n')
        .find((line) => line.includes('policy change refused'))
        ?.slice(0, 2_000);
    process.stdout.write(
      `${JSON.stringify(
        {
          policyBytes: [...files.values()].reduce((sum, text) => sum + text.length, 0),
          files: files.size,
          outcome,
          writeToLiveMs: Math.round(reloaded - written),
          gatewayEventLoopDelayMaxMs: {
            before: eventLoopDelayMaxMs(gateway.logs, writtenAt - 2_000, writtenAt),
            duringReload: eventLoopDelayMaxMs(gateway.logs, writtenAt, reloadedAt),
          },
          before: summary(samples.filter((sample) => sample.at < written)),
          duringReload: summary(
            samples.filter((sample) => sample.at + sample.ms >= written && sample.at <= reloaded),
          ),
          after: summary(samples.filter((sample) => sample.at > reloaded)),
          slowestAfterWrite: samples
            .filter((sample) => sample.at + sample.ms >= written)
            .sort((a, b) => b.ms - a.ms)
            .slice(0, 5)
            .map((sample) => ({
              startedMsAfterWrite: Math.round(sample.at - written),
              ms: Math.round(sample.ms),
            })),
        },
        null,
        2,
      )}\n`,
    );
  } finally {
    await gateway.kill();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
