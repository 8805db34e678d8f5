import { StartupError } from '@samenloop/errors';

/**
 * Ends the gateway over what it cannot run with, found at start-up or when an instance takes
 * over: start-up errors name what to fix and are shown as they are; anything else with its stack.
 */
export function exitOnStartFailure(error: unknown): never {
  if (error instanceof StartupError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(
      `gateway failed to start: ${error instanceof Error ? error.stack : String(error)}\n`,
    );
  }
  process.exit(1);
}
