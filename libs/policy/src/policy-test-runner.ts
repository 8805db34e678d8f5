import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  HUB_SENDER,
  isCaseStage,
  type ContractValidator,
  type Submission,
} from '@samenloop/contracts';
import { hubSender, oinOf, type PartnerRegistry } from '@samenloop/partners';
import { parse } from 'yaml';
import { z } from 'zod';
import { mergeFacts, readCaseFacts, type CaseFacts } from './case-facts';
import { generalise } from './field-path';
import type { Policy, RecipientDecision } from './policy';

/**
 * A policy test: given a message and the case's stage, exactly which partners receive what. Every
 * partner not listed must receive nothing, so over-sharing fails as surely as under-sharing.
 */
const policyTestSchema = z
  .object({
    description: z.string().min(1),
    message: z.string().min(1),
    stage: z.string().refine(isCaseStage, 'must be a case stage such as melding or zsm'),
    /** What the hub knows from the case thread, where the message itself does not say. */
    case: z
      .object({
        domesticViolence: z.boolean().optional(),
        minorsInvolved: z.boolean().optional(),
        gemeentecode: z
          .string()
          .regex(/^GM[0-9]{4}$/)
          .optional(),
        melders: z.array(z.string()).optional(),
      })
      .strict()
      .optional(),
    expect: z.record(
      z.string(),
      z.union([
        z.object({ level: z.literal('inhoud'), fields: z.array(z.string()).min(1) }).strict(),
        z.object({ level: z.literal('notificatie') }).strict(),
      ]),
    ),
  })
  .strict();

export interface PolicyTestResult {
  readonly file: string;
  readonly description: string;
  readonly failures: readonly string[];
}

export interface PolicyTestDependencies {
  readonly policy: Policy;
  readonly registry: PartnerRegistry;
  readonly validator: ContractValidator;
}

export function runPolicyTests(
  directory: string,
  dependencies: PolicyTestDependencies,
): PolicyTestResult[] {
  return readdirSync(directory)
    .filter((file) => /\.ya?ml$/.test(file))
    .sort()
    .map((file) => runPolicyTest(path.join(directory, file), dependencies));
}

export function runPolicyTest(
  file: string,
  dependencies: PolicyTestDependencies,
): PolicyTestResult {
  const name = path.basename(file);
  const parsed = policyTestSchema.safeParse(parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    return {
      file: name,
      description: '(unreadable test)',
      failures: parsed.error.issues.map(
        (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
      ),
    };
  }
  const test = parsed.data;
  const failures: string[] = [];
  const messageFile = path.resolve(path.dirname(file), test.message);
  const validation = dependencies.validator.validateSubmissionJson(
    readFileSync(messageFile, 'utf8'),
  );
  if (!validation.ok)
    return {
      file: name,
      description: test.description,
      failures: [`message ${test.message} is not a valid submission`],
    };
  const decisions = decide(validation.value, test.stage, test.case ?? {}, dependencies);
  if (typeof decisions === 'string')
    return { file: name, description: test.description, failures: [decisions] };
  for (const decision of decisions) {
    const expected = test.expect[decision.recipient.id];
    const actualFields = [...new Set(decision.deliveredFields.map(generalise))].sort();
    if (!expected) {
      if (decision.level !== 'geen')
        failures.push(
          `${decision.recipient.id} must receive nothing but gets ${describe(decision)}`,
        );
      continue;
    }
    if (expected.level !== decision.level) {
      failures.push(
        `${decision.recipient.id} must get ${expected.level} but gets ${describe(decision)}${decision.reason ? ` (${decision.reason})` : ''}`,
      );
    } else if (expected.level === 'inhoud') {
      const wanted = [...expected.fields].sort();
      const extra = actualFields.filter((field) => !wanted.includes(field));
      const missing = wanted.filter((field) => !actualFields.includes(field));
      if (extra.length > 0)
        failures.push(`${decision.recipient.id} gets fields it must not: ${extra.join(', ')}`);
      if (missing.length > 0)
        failures.push(`${decision.recipient.id} misses fields it must get: ${missing.join(', ')}`);
    }
  }
  for (const recipient of Object.keys(test.expect)) {
    if (!decisions.some((decision) => decision.recipient.id === recipient)) {
      failures.push(
        `${recipient} is expected to receive the message but is not a partner other than the sender`,
      );
    }
  }
  return { file: name, description: test.description, failures };
}

function decide(
  submission: Submission,
  stage: string,
  caseFacts: Partial<CaseFacts>,
  { policy, registry, validator }: PolicyTestDependencies,
): RecipientDecision[] | string {
  const { source } = submission.envelope;
  const sender = validator.sendersOf(submission.messageType).includes(HUB_SENDER)
    ? hubSender(oinOf(source) ?? '')
    : registry.bySource(source);
  if (!sender) return `the message's source OIN is not in the partner registry`;
  if (!isCaseStage(stage)) return `unknown stage ${stage}`;
  return policy.decide({
    messageType: submission.messageType,
    stage,
    payload: submission.payload as unknown as Record<string, unknown>,
    facts: mergeFacts(
      readCaseFacts(submission.messageType, submission.payload as never),
      caseFacts,
    ),
    sender,
    candidates: registry.partners,
  });
}

function describe(decision: RecipientDecision): string {
  return decision.level === 'inhoud'
    ? `inhoud (${[...new Set(decision.deliveredFields.map(generalise))].sort().join(', ')})`
    : decision.level;
}
