import { StartupError } from './startup-error';

/**
 * Ends a process over what it cannot run with: a start-up error names what to fix and is shown
 * as it is; anything else with its stack.
 */
export function exitOnStartFailure(processName: string): (error: unknown) => never {
  return (error) => {
    if (error instanceof StartupError) {
      process.stderr.write(`${error.message}\n`);
    } else {
      process.stderr.write(
        `${processName} failed to start: ${error instanceof Error ? error.stack : String(error)}\n`,
      );
    }
    process.exit(1);
  };
}
