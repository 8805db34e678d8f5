import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { BeleidGeweigerd, ContractValidator } from '@samenloop/contracts';
import type { PartnerRegistry } from '@samenloop/partners';
import { InvalidPolicyError, Policy, type PolicyContext, type PolicySource } from './policy';
import type { PolicyRule } from './policy-file';
import { readPolicySources } from './policy-loader';
import { runPolicyTest, type PolicyTestResult } from './policy-test-runner';

/** Why a policy was refused, as the beleid-geweigerd alert names it. */
export type PolicyProblemCode = BeleidGeweigerd['problemen'][number]['code'];

export interface PolicyProblem {
  readonly code: PolicyProblemCode;
  /** The policy file or policy test at fault, by name, when one is. */
  readonly file?: string;
  /** The problem in full, for the log: ids, field paths and file names, never a message's values. */
  readonly detail: string;
}

export interface PolicyFileDigest {
  readonly name: string;
  readonly sha256: string;
}

export interface PolicyCheckRequest {
  readonly policyDirectory: string;
  /** The region's policy tests (`*.yaml`). */
  readonly testsDirectory: string;
  /** Where a test's `message: schemas:<path>` points. */
  readonly schemasDirectory: string;
}

export interface PolicyCheckDependencies {
  readonly context: PolicyContext;
  readonly registry: PartnerRegistry;
  readonly validator: ContractValidator;
}

interface CheckedFiles {
  /** The version the files would have as a policy: `Policy.version`. */
  readonly version: string;
  readonly files: readonly PolicyFileDigest[];
  readonly tests: { readonly passed: number; readonly failed: number };
}

/** A policy folder checked in full: either the rules that may go live, or every problem. */
export type PolicyCheck =
  | (CheckedFiles & { readonly ok: true; readonly rules: readonly PolicyRule[] })
  | (CheckedFiles & { readonly ok: false; readonly problems: readonly PolicyProblem[] });

/**
 * Whether a policy folder may go live: it holds policy files, they load, there is at least one
 * policy test and every test passes. What `samenloop policy test` checks, so that a policy that
 * fails there never goes live in the gateway.
 */
export function checkPolicyDirectory(
  request: PolicyCheckRequest,
  dependencies: PolicyCheckDependencies,
): PolicyCheck {
  const problems: PolicyProblem[] = [];
  let sources: PolicySource[] = [];
  try {
    sources = readPolicySources(request.policyDirectory);
  } catch (error) {
    problems.push({
      code: 'geen-beleidsbestanden',
      detail: `the policy folder ${request.policyDirectory} cannot be read (${errorCode(error)})`,
    });
  }
  const checked = {
    version: policyVersionOf(sources),
    files: sources.map(({ source, text }) => ({ name: source, sha256: sha256(text) })),
  };
  if (sources.length === 0 && problems.length === 0) {
    problems.push({
      code: 'geen-beleidsbestanden',
      detail: `the policy folder ${request.policyDirectory} holds no policy file (*.yaml)`,
    });
  }
  let policy: Policy;
  try {
    policy = Policy.load(sources, dependencies.context);
  } catch (error) {
    if (!(error instanceof InvalidPolicyError)) throw error;
    const names = sources.map(({ source }) => source);
    problems.push(
      ...error.problems.map((detail) => ({
        code: 'beleid-ongeldig' as const,
        file: names.find((name) => detail.startsWith(`${name}: `)),
        detail,
      })),
    );
    return { ...checked, ok: false, problems, tests: { passed: 0, failed: 0 } };
  }
  const results = runTests(request, { ...dependencies, policy });
  const failed = results.filter((result) => result.failures.length > 0);
  if (results.length === 0) {
    problems.push({
      code: 'geen-beleidstests',
      detail: `no policy test (*.yaml) in ${request.testsDirectory}: a policy goes live only when its tests pass`,
    });
  }
  problems.push(
    ...failed.map((result) => ({
      code: 'beleidstest-faalt' as const,
      file: result.file,
      detail: `policy test ${result.file} fails: ${result.failures.join('; ')}`,
    })),
  );
  const tests = { passed: results.length - failed.length, failed: failed.length };
  return problems.length === 0
    ? { ...checked, ok: true, rules: policy.rules, tests }
    : { ...checked, ok: false, problems, tests };
}

/** Every test file's result; a test that cannot even be read fails, the others still run. */
function runTests(
  request: PolicyCheckRequest,
  dependencies: PolicyCheckDependencies & { readonly policy: Policy },
): PolicyTestResult[] {
  let files: string[];
  try {
    files = readdirSync(request.testsDirectory)
      .filter((file) => /\.ya?ml$/.test(file))
      .sort();
  } catch {
    return [];
  }
  const { policy, registry, validator } = dependencies;
  return files.map((file) => {
    try {
      return runPolicyTest(path.join(request.testsDirectory, file), {
        policy,
        registry,
        validator,
        schemasDirectory: request.schemasDirectory,
      });
    } catch (error) {
      return {
        file,
        description: '(unreadable test)',
        failures: [`cannot run: ${errorCode(error)}`],
      };
    }
  });
}

/** `Policy.version` of these files, also for files that do not load: the SHA-256 of them all. */
export function policyVersionOf(sources: readonly PolicySource[]): string {
  const hash = createHash('sha256');
  for (const { source, text } of [...sources].sort((a, b) => a.source.localeCompare(b.source))) {
    hash.update(`${source}\0${text}\0`);
  }
  return `sha256:${hash.digest('hex')}`;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** An error's code or class name, never its message, which may quote what it failed on. */
function errorCode(error: unknown): string {
  if (error instanceof Error) return (error as NodeJS.ErrnoException).code ?? error.name;
  return 'unknown error';
}
