import { watch, type FSWatcher } from 'node:fs';
import type { ContractValidator } from '@samenloop/contracts';
import type { Logger } from '@samenloop/observability';
import type { PartnerRegistry } from '@samenloop/partners';
import {
  InvalidPolicyError,
  Policy,
  policyContext,
  type PolicyCheckRequest,
  type PolicyContext,
  type PolicyProblem,
} from '@samenloop/policy';
import {
  PolicyCheckFailedError,
  WorkerPolicyChecker,
  type CheckedPolicyFolder,
  type PolicyChecker,
} from './policy-checker';
import type { PolicyActivation, PolicyEvents } from './policy-events';

export interface PolicyHolderOptions extends PolicyCheckRequest {
  readonly registry: PartnerRegistry;
  readonly validator: ContractValidator;
  readonly logger: Logger;
  /** Loads and tests a policy folder off the main thread: a worker thread unless a test says otherwise. */
  readonly checker?: PolicyChecker;
  /** How long a folder must be quiet before it is checked: editors write a file in several steps. */
  readonly debounceMs?: number;
  readonly now?: () => Date;
}

/** The policy in the folder does not go live at start-up: the gateway does not start. */
export class PolicyRefusedError extends InvalidPolicyError {
  constructor(directory: string, version: string, problems: readonly string[]) {
    super(problems, `Policy in ${directory} refused (${version}); the gateway does not start`);
  }
}

/**
 * The policy in force. A policy goes live — at start-up and on every change to the policy or test
 * folder — only when it loads, the region's policy tests exist and all pass: what
 * `samenloop policy test` checks. The check runs in a worker thread, off the event loop. Each
 * version that goes live is written to the audit topic before it decides anything; a refused change
 * leaves the last good policy in force, is logged in one line and alerts the operator, once.
 */
export class PolicyHolder {
  private policy: Policy;
  private events: PolicyEvents | undefined;
  private readonly watchers: FSWatcher[] = [];
  private debounce: NodeJS.Timeout | undefined;
  private inFlight: Promise<boolean> | undefined;
  private queued: Promise<boolean> | undefined;
  /** The last refusal reported, so that the same refused folder is reported once. */
  private lastRefusal: string | undefined;

  private constructor(
    private readonly options: PolicyHolderOptions,
    private readonly checker: PolicyChecker,
    private readonly context: PolicyContext,
    private readonly startUp: StartUp,
  ) {
    this.policy = startUp.policy;
  }

  /** Checks the policy folder; a policy that would be refused on reload stops the start. */
  static async start(options: PolicyHolderOptions): Promise<PolicyHolder> {
    const checker = options.checker ?? new WorkerPolicyChecker(options.registry.partners);
    const { check, changedBy } = await checker
      .check(requestOf(options))
      .catch(async (error: unknown) => {
        await checker.close();
        throw error;
      });
    if (!check.ok) {
      await checker.close();
      throw new PolicyRefusedError(
        options.policyDirectory,
        check.version,
        check.problems.map((problem) => problem.detail),
      );
    }
    const context = policyContext(options.validator, options.registry);
    return new PolicyHolder(options, checker, context, {
      policy: Policy.fromChecked(check, context),
      files: check.files,
      testsPassed: check.tests.passed,
      changedBy,
    });
  }

  readonly current = (): Policy => this.policy;

  /**
   * Audits the start-up version, then follows changes to the policy and test folders. `events`
   * records each version that goes live and alerts the operator of each change refused.
   */
  async watch(events: PolicyEvents): Promise<void> {
    await events.connect();
    this.events = events;
    const { policy, ...startUp } = this.startUp;
    await events.wentLive({
      ...startUp,
      trigger: 'start-up',
      policyVersion: policy.version,
      previousVersion: null,
      activatedAt: this.now(),
    });
    for (const directory of new Set([this.options.policyDirectory, this.options.testsDirectory])) {
      try {
        this.watchers.push(watch(directory, () => this.changed()));
      } catch (error) {
        // A test folder that does not exist yet: the policy folder is still followed.
        this.options.logger.warn(
          { directory, error: error instanceof Error ? error.name : String(error) },
          'policy changes in this folder are not followed',
        );
      }
    }
  }

  /**
   * Checks the folders again and swaps in the policy if it may go live; resolves with whether the
   * folders' policy is in force. A change during a check is seen by one more check after it.
   */
  reload(): Promise<boolean> {
    if (this.queued) return this.queued;
    if (this.inFlight) {
      this.queued = this.inFlight.then(() => {
        this.queued = undefined;
        return this.run();
      });
      return this.queued;
    }
    return this.run();
  }

  async close(): Promise<void> {
    clearTimeout(this.debounce);
    for (const watcher of this.watchers) watcher.close();
    await this.queued;
    await this.inFlight;
    await this.checker.close();
    await this.events?.disconnect();
  }

  private changed(): void {
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => void this.reload(), this.options.debounceMs ?? 200);
  }

  private run(): Promise<boolean> {
    const run = this.checkAndApply().finally(() => {
      if (this.inFlight === run) this.inFlight = undefined;
    });
    this.inFlight = run;
    return run;
  }

  private async checkAndApply(): Promise<boolean> {
    const previous = this.policy;
    let checked: CheckedPolicyFolder;
    try {
      checked = await this.checker.check(requestOf(this.options));
    } catch (error) {
      await this.refuse({
        refusedVersion: undefined,
        files: [],
        problems: [
          {
            code: 'controle-mislukt',
            detail:
              error instanceof PolicyCheckFailedError
                ? error.message
                : `the policy check failed (${error instanceof Error ? error.name : 'unknown'})`,
          },
        ],
      });
      return false;
    }
    const { check, changedBy } = checked;
    if (!check.ok) {
      await this.refuse({
        refusedVersion: check.version,
        files: check.files,
        problems: check.problems,
      });
      return false;
    }
    this.lastRefusal = undefined;
    if (check.version === previous.version) return true;
    const next = Policy.fromChecked(check, this.context);
    try {
      // On the hub-events topic before it decides anything: the pipeline audits it, so every
      // decision's policyVersion has its record (in its own partition, maybe after the first ones).
      await this.events?.wentLive({
        trigger: 'reload',
        policyVersion: next.version,
        previousVersion: previous.version,
        files: check.files,
        testsPassed: check.tests.passed,
        changedBy,
        activatedAt: this.now(),
      });
    } catch (error) {
      this.options.logger.error(
        { version: previous.version, refused: next.version, error: errorName(error) },
        'policy change not applied: its audit record could not be written; the previous policy stays in force',
      );
      return false;
    }
    this.policy = next;
    this.options.logger.info(
      {
        previous: previous.version,
        version: next.version,
        files: check.files.map((file) => file.name),
        testsPassed: check.tests.passed,
      },
      'policy reloaded',
    );
    return true;
  }

  /** One error line and one operator alert per refused folder, however often it is checked. */
  private async refuse(refusal: {
    readonly refusedVersion: string | undefined;
    readonly files: readonly { readonly name: string; readonly sha256: string }[];
    readonly problems: readonly PolicyProblem[];
  }): Promise<void> {
    const key = JSON.stringify([refusal.refusedVersion, refusal.problems.map((p) => p.detail)]);
    if (key === this.lastRefusal) return;
    this.lastRefusal = key;
    const keptVersion = this.policy.version;
    this.options.logger.error(
      {
        version: keptVersion,
        refused: refusal.refusedVersion ?? null,
        files: refusal.files.map((file) => file.name),
        problems: refusal.problems.map((problem) => problem.detail),
      },
      'policy change refused; the previous policy stays in force',
    );
    try {
      await this.events?.refused({ ...refusal, keptVersion, refusedAt: this.now() });
    } catch (error) {
      this.options.logger.error(
        { alert: 'beleid-geweigerd', error: errorName(error) },
        'the operator could not be alerted of the refused policy',
      );
    }
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }
}

/** The policy that went live at start-up, with what its audit record needs. */
type StartUp = { readonly policy: Policy } & Pick<
  PolicyActivation,
  'files' | 'testsPassed' | 'changedBy'
>;

function requestOf(options: PolicyCheckRequest): PolicyCheckRequest {
  const { policyDirectory, testsDirectory, schemasDirectory } = options;
  return { policyDirectory, testsDirectory, schemasDirectory };
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : String(error);
}
