/**
 * `npm run bench:soak [-- --encryptions <n>]`: the encryption soak alone, 500,000 by default.
 * Prints its JSON figures; exits 1 when it did not finish.
 */
import { measureEncryptionSoak, SOAK_ENCRYPTIONS, SOAK_STALL_SECONDS } from './encryption-soak';

async function main(): Promise<void> {
  const flag = process.argv.indexOf('--encryptions');
  const encryptions = flag === -1 ? SOAK_ENCRYPTIONS : Number(process.argv[flag + 1]);
  if (!Number.isInteger(encryptions) || encryptions < 1)
    throw new Error('--encryptions takes a positive whole number');
  const soak = await measureEncryptionSoak({
    encryptions,
    stallSeconds: SOAK_STALL_SECONDS,
  });
  process.stdout.write(`${JSON.stringify(soak, null, 2)}\n`);
  if (!soak.finished) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
