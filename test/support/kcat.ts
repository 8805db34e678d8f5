import { execFile, spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';

/*
 * Partners' Kafka clients are mostly librdkafka (Java aside), which compresses with snappy, lz4 or
 * zstd. kcat is librdkafka's own command-line client, so tests produce with it, not with kafkajs.
 */

function kcatVersion(): string | undefined {
  const probe = spawnSync('kcat', ['-V'], { encoding: 'utf8' });
  return probe.error === undefined && probe.status === 0 ? probe.stdout : undefined;
}

/**
 * Makes sure kcat is on PATH, installing Debian's package when it is missing (as .ci/run does for
 * gpg). Tests that need it fail with this message rather than being skipped.
 */
export function requireKcat(): void {
  if (kcatVersion() !== undefined) return;
  const install = spawnSync(
    'sh',
    ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq kcat'],
    { encoding: 'utf8' },
  );
  if (kcatVersion() === undefined) {
    throw new Error(
      'kcat (librdkafka’s command-line client) is not on PATH and could not be installed. The ' +
        'compression tests produce with a librdkafka client, as partners do (Debian/Ubuntu: ' +
        'apt-get install kcat); CI installs it. These tests are never skipped. apt-get said: ' +
        `${install.error?.message ?? install.stderr.trim()}`,
    );
  }
}

export type KcatCompression = 'snappy' | 'lz4' | 'zstd' | 'gzip' | 'none';

/**
 * Produces one record per value, in one batch compressed as a librdkafka partner would, and waits
 * for `acks=all`.
 */
export async function kcatProduce(options: {
  brokers: string;
  topic: string;
  key: string;
  values: readonly Buffer[];
  /** kcat takes header values from its command line, so only text headers. */
  headers?: Record<string, string>;
  compression: KcatCompression;
}): Promise<void> {
  // One file is one record, byte for byte (a binary OpenPGP message too): kcat reads stdin line by
  // line, a file whole.
  const files = options.values.map(() => path.join(tmpdir(), `samenloop-kcat-${randomUUID()}.pgp`));
  await Promise.all(files.map((file, index) => writeFile(file, options.values[index]!)));
  const args = [
    '-P',
    '-b',
    options.brokers,
    '-t',
    options.topic,
    '-k',
    options.key,
    '-z',
    options.compression,
    '-X',
    'acks=all',
    // Long enough that all the files go out in one batch.
    '-X',
    'linger.ms=200',
    ...Object.entries(options.headers ?? {}).flatMap(([name, value]) => ['-H', `${name}=${value}`]),
    ...files,
  ];
  await new Promise<void>((resolve, reject) =>
    execFile('kcat', args, { timeout: 30_000 }, (error, _stdout, stderr) =>
      error
        ? reject(new Error(`kcat ${options.compression} failed: ${error.message}\n${stderr}`))
        : resolve(),
    ),
  );
}
