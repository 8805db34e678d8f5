import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Partner } from '@samenloop/partners';
import type { PolicyCheck, PolicyCheckRequest, PolicyRule } from '@samenloop/policy';
import type { FileOwner } from './file-owner';

/** A policy folder as the worker checked it, with who changed it last as far as the files tell. */
export interface CheckedPolicyFolder {
  readonly check: PolicyCheck;
  readonly changedBy: FileOwner | null;
}

/** Checks a policy folder without blocking the caller's thread. */
export interface PolicyChecker {
  check(request: PolicyCheckRequest): Promise<CheckedPolicyFolder>;
  close(): Promise<void>;
}

/** The check could not finish: the worker failed or took too long. The policy is refused. */
export class PolicyCheckFailedError extends Error {
  readonly retriable = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PolicyCheckFailedError';
  }
}

export interface PolicyWorkerData {
  readonly partners: readonly Partner[];
}

/** What the gateway asks its policy worker: check a folder, or send the next rules of a check. */
export type PolicyWorkerRequest =
  | { readonly type: 'check'; readonly id: number; readonly request: PolicyCheckRequest }
  | { readonly type: 'more'; readonly id: number };

/**
 * What the worker answers: the check (its rules left out), then the rules a slice at a time, each
 * when asked for. Taking in 10 MB of rules at once would cost the main thread 50-130 ms; a slice
 * costs a few, and the event loop serves /health and records between slices.
 */
export type PolicyWorkerReply =
  | ({ readonly type: 'checked'; readonly id: number } & CheckedPolicyFolder)
  | {
      readonly type: 'rules';
      readonly id: number;
      readonly rules: readonly PolicyRule[];
      readonly last: boolean;
    }
  | { readonly type: 'failed'; readonly id: number; readonly error: string };

const WORKER = 'policy-check.worker';

/**
 * Compiles the worker's TypeScript on the fly when the gateway runs from source (ts-jest, ts-node);
 * the built gateway has it bundled next to main.js (apps/gateway/webpack.config.js).
 */
const FROM_SOURCE = `
const { workerData } = require('node:worker_threads');
const resolve = (name) => require.resolve(name, { paths: [workerData.root] });
require(resolve('ts-node')).register({ transpileOnly: true, project: workerData.tsconfig });
const tsconfigPaths = require(resolve('tsconfig-paths'));
const config = tsconfigPaths.loadConfig(workerData.root);
tsconfigPaths.register({ baseUrl: config.absoluteBaseUrl, paths: config.paths });
require(workerData.script);
`;

interface Pending {
  readonly worker: Worker;
  readonly resolve: (checked: CheckedPolicyFolder) => void;
  readonly reject: (error: Error) => void;
  checked?: CheckedPolicyFolder;
  readonly rules: PolicyRule[];
}

/**
 * Loads and tests policies in a worker thread, so that a large policy never stalls the gateway's
 * event loop (a 10 MB policy took the main thread 2.9 s). The worker keeps its compiled schemas
 * between checks; one that fails or exceeds `timeoutMs` is ended and the next check starts afresh.
 */
export class WorkerPolicyChecker implements PolicyChecker {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(
    private readonly partners: readonly Partner[],
    private readonly timeoutMs = 120_000,
  ) {}

  check(request: PolicyCheckRequest): Promise<CheckedPolicyFolder> {
    const worker = this.worker ?? this.spawn();
    const id = this.nextId++;
    return new Promise<CheckedPolicyFolder>((resolve, reject) => {
      const timer = setTimeout(() => {
        void this.end(
          worker,
          new PolicyCheckFailedError(`the policy check took longer than ${this.timeoutMs} ms`),
        );
      }, this.timeoutMs);
      const settle = () => {
        clearTimeout(timer);
        this.pending.delete(id);
        // An idle worker does not keep the process alive.
        if (this.pending.size === 0) worker.unref();
      };
      this.pending.set(id, {
        worker,
        rules: [],
        resolve: (checked) => {
          settle();
          resolve(checked);
        },
        reject: (error) => {
          settle();
          reject(error);
        },
      });
      worker.ref();
      this.post(worker, { type: 'check', id, request });
    });
  }

  async close(): Promise<void> {
    if (this.worker) await this.end(this.worker, new PolicyCheckFailedError('the gateway stops'));
  }

  private spawn(): Worker {
    const workerData: PolicyWorkerData = { partners: this.partners };
    const bundled = path.join(__dirname, `${WORKER}.js`);
    const root = path.resolve(__dirname, '../../../..');
    const worker = existsSync(bundled)
      ? new Worker(bundled, { workerData })
      : new Worker(FROM_SOURCE, {
          eval: true,
          workerData: {
            ...workerData,
            root,
            tsconfig: path.join(root, 'tsconfig.json'),
            script: path.join(__dirname, `${WORKER}.ts`),
          },
        });
    worker.unref();
    worker.on('message', (reply: PolicyWorkerReply) => this.received(worker, reply));
    worker.on('error', (error) => {
      void this.end(
        worker,
        new PolicyCheckFailedError('the policy check worker failed', { cause: error }),
      );
    });
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = undefined;
      this.rejectAll(
        worker,
        new PolicyCheckFailedError(`the policy check worker exited (${code})`),
      );
    });
    this.worker = worker;
    return worker;
  }

  private received(worker: Worker, reply: PolicyWorkerReply): void {
    const waiting = this.pending.get(reply.id);
    if (!waiting) return;
    switch (reply.type) {
      case 'failed':
        waiting.reject(new PolicyCheckFailedError(reply.error));
        return;
      case 'checked':
        if (!reply.check.ok) {
          waiting.resolve({ check: reply.check, changedBy: reply.changedBy });
          return;
        }
        waiting.checked = { check: reply.check, changedBy: reply.changedBy };
        break;
      case 'rules':
        waiting.rules.push(...reply.rules);
        if (reply.last && waiting.checked?.check.ok) {
          const { check, changedBy } = waiting.checked;
          waiting.resolve({ check: { ...check, rules: waiting.rules }, changedBy });
          return;
        }
        break;
    }
    this.post(worker, { type: 'more', id: reply.id });
  }

  private post(worker: Worker, request: PolicyWorkerRequest): void {
    worker.postMessage(request);
  }

  private async end(worker: Worker, error: PolicyCheckFailedError): Promise<void> {
    if (this.worker === worker) this.worker = undefined;
    this.rejectAll(worker, error);
    await worker.terminate();
  }

  private rejectAll(worker: Worker, error: Error): void {
    for (const waiting of [...this.pending.values()])
      if (waiting.worker === worker) waiting.reject(error);
  }
}
