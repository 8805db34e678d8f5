import { watch, type FSWatcher } from 'node:fs';
import type { Logger } from '@samenloop/observability';
import {
  InvalidPolicyError,
  loadPolicyDirectory,
  type Policy,
  type PolicyContext,
} from '@samenloop/policy';

/**
 * The policy in force. A change in the policy folder is loaded and checked in full, then swapped
 * in at once; a policy that does not load is refused with its problems logged, and the last good
 * policy keeps running.
 */
export class PolicyHolder {
  private policy: Policy;
  private watcher: FSWatcher | undefined;
  private debounce: NodeJS.Timeout | undefined;

  constructor(
    private readonly directory: string,
    private readonly context: PolicyContext,
    private readonly logger: Logger,
  ) {
    // At start-up an invalid policy is fatal: the error lists every problem.
    this.policy = loadPolicyDirectory(directory, context);
  }

  readonly current = (): Policy => this.policy;

  /** Loads the folder again; returns whether the new policy is now in force. */
  reload(): boolean {
    try {
      const next = loadPolicyDirectory(this.directory, this.context);
      if (next.version !== this.policy.version) {
        this.logger.info(
          { previous: this.policy.version, version: next.version },
          'policy reloaded',
        );
      }
      this.policy = next;
      return true;
    } catch (error) {
      const problems =
        error instanceof InvalidPolicyError
          ? error.problems
          : [error instanceof Error ? error.message : String(error)];
      this.logger.error(
        { version: this.policy.version, problems },
        'policy change refused; the previous policy stays in force',
      );
      return false;
    }
  }

  watch(): void {
    this.watcher = watch(this.directory, () => {
      // Editors write a file in several steps; load once they are done.
      clearTimeout(this.debounce);
      this.debounce = setTimeout(() => this.reload(), 200);
    });
  }

  close(): void {
    clearTimeout(this.debounce);
    this.watcher?.close();
  }
}
