/**
 * The soak's child process: signs and encrypts one delivery-sized document to one Curve25519
 * recipient `encryptions` times with `signAndEncrypt`, reporting progress to the parent, whose
 * watchdog kills it if it stops (a deadlock would otherwise hang the benchmark).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  generatePartnerKey,
  readPrivateKey,
  readPublicKey,
  signAndEncrypt,
} from '@samenloop/crypto';
import { ENTRY_FOR_THREE } from './bench-submissions';
import type { SoakProgress } from './encryption-soak';

const REPORT_EVERY = 1_000;

async function main(): Promise<void> {
  const encryptions = Number(process.argv[2]);
  const document = readFileSync(path.resolve(__dirname, '../schemas', ENTRY_FOR_THREE));
  const hub = await generatePartnerKey({ name: 'hub', email: 'hub@example.test' });
  const recipient = await generatePartnerKey({
    name: 'recipient',
    email: 'recipient@example.test',
  });
  const options = {
    signingKey: await readPrivateKey(hub.privateKeyArmored),
    encryptionKeys: [await readPublicKey(recipient.publicKeyArmored)] as const,
  };
  report({ done: 0, documentBytes: document.length });
  for (let done = 1; done <= encryptions; done++) {
    await signAndEncrypt(document, options);
    if (done % REPORT_EVERY === 0 || done === encryptions)
      report({ done, documentBytes: document.length });
  }
  process.disconnect();
}

function report(progress: Omit<SoakProgress, 'peakRssKiB'>): void {
  process.send!({ ...progress, peakRssKiB: process.resourceUsage().maxRSS } satisfies SoakProgress);
}

main().catch((error: unknown) => {
  process.stderr.write(`soak: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
