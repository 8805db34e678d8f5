import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { decisionFacts, readStatedFacts } from '@samenloop/case';
import { isCaseStage, type ContractValidator } from '@samenloop/contracts';
import type { PartnerRegistry } from '@samenloop/partners';
import { parse } from 'yaml';
import { z } from 'zod';
import { decideInCase } from './case-decision';
import { caseMessageOf, replayCase, senderOf, type ReplayedMessage } from './case-replay';
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
    /**
     * Earlier messages of the case thread, in order: replayed through the gateway's own case code,
     * so that stage and facts are the hub's. Then `stage` and `case` are not given.
     */
    thread: z.array(z.string().min(1)).min(1).max(20).optional(),
    stage: z.string().refine(isCaseStage, 'must be a case stage such as melding or zsm').optional(),
    /** What the hub knows from the case thread, where the message itself does not say. */
    case: z
      .object({
        domesticViolence: z.boolean().optional(),
        minorsInvolved: z.boolean().optional(),
        gemeentecodes: z.array(z.string().regex(/^GM[0-9]{4}$/)).optional(),
        raadBetrokken: z.boolean().optional(),
        adultSuspect: z.boolean().optional(),
        minorSuspect: z.boolean().optional(),
        melders: z.array(z.string()).optional(),
        recipients: z.array(z.string()).optional(),
      })
      .strict()
      .optional(),
    expect: z.record(
      z.string(),
      z.union([
        z
          .object({
            level: z.literal('inhoud'),
            fields: z.array(z.string()).min(1),
            /** The kinds of case reference the partner gets; checked exactly when given. */
            zaakReferenties: z.array(z.string()).optional(),
          })
          .strict(),
        z
          .object({
            level: z.literal('notificatie'),
            zaakReferenties: z.array(z.string()).optional(),
          })
          .strict(),
      ]),
    ),
  })
  .strict()
  .refine((test) => (test.thread === undefined) !== (test.stage === undefined), {
    message: 'give either the stage (and what the case knows) or the thread before the message',
  })
  .refine((test) => test.thread === undefined || test.case === undefined, {
    message: 'a test with a thread takes the case facts from it; leave out case',
  });

type PolicyTest = z.infer<typeof policyTestSchema>;

export interface PolicyTestResult {
  readonly file: string;
  readonly description: string;
  readonly failures: readonly string[];
}

export interface PolicyTestDependencies {
  readonly policy: Policy;
  readonly registry: PartnerRegistry;
  readonly validator: ContractValidator;
  /** Where `message: schemas:<path>` points: the hub's schemas folder. */
  readonly schemasDirectory?: string;
}

/** A test's message as `schemas:<path>` lies in the schemas folder, wherever the tests are kept. */
const SCHEMAS_PREFIX = 'schemas:';

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
  const read = (message: string) => readSubmission(file, message, dependencies);
  const submission = read(test.message);
  const thread = (test.thread ?? []).map(read);
  const unreadable = [submission, ...thread].find((entry) => typeof entry === 'string');
  if (typeof unreadable === 'string')
    return { file: name, description: test.description, failures: [unreadable] };
  const decisions = decide(
    submission as ReplayedMessage,
    thread as ReplayedMessage[],
    test,
    dependencies,
  );
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
      continue;
    }
    if (expected.level === 'inhoud')
      failures.push(...differences(decision.recipient.id, 'fields', actualFields, expected.fields));
    if (expected.zaakReferenties)
      failures.push(
        ...differences(
          decision.recipient.id,
          'case references',
          Object.keys(decision.zaakReferenties),
          expected.zaakReferenties,
        ),
      );
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

function readSubmission(
  testFile: string,
  message: string,
  { validator, schemasDirectory }: PolicyTestDependencies,
): ReplayedMessage | string {
  const read = readMessage(testFile, message, schemasDirectory);
  if ('problem' in read) return `message ${message} cannot be read: ${read.problem}`;
  const validation = validator.validateSubmissionJson(read.text);
  return validation.ok
    ? { label: message, submission: validation.value }
    : `message ${message} is not a valid submission`;
}

/** A test's message: a file relative to the test file, or `schemas:<path>` in the schemas folder. */
function readMessage(
  testFile: string,
  message: string,
  schemasDirectory: string | undefined,
): { text: string } | { problem: string } {
  let file = path.resolve(path.dirname(testFile), message);
  if (message.startsWith(SCHEMAS_PREFIX)) {
    if (schemasDirectory === undefined) return { problem: 'the schemas folder is not known here' };
    const schemas = path.resolve(schemasDirectory);
    file = path.resolve(schemas, message.slice(SCHEMAS_PREFIX.length));
    if (!file.startsWith(schemas + path.sep))
      return { problem: 'the path leads out of the schemas folder' };
  }
  try {
    return { text: readFileSync(file, 'utf8') };
  } catch (error) {
    // The error code only (ENOENT, EACCES): the message would repeat the full path.
    return { problem: (error as NodeJS.ErrnoException).code ?? 'unreadable' };
  }
}

/** The decisions on the message: after its thread replayed, or on the stage and facts given. */
function decide(
  { submission }: ReplayedMessage,
  thread: readonly ReplayedMessage[],
  test: PolicyTest,
  { policy, registry, validator }: PolicyTestDependencies,
): readonly RecipientDecision[] | string {
  const sender = senderOf(submission, registry, validator);
  if (!sender) return `the message's source OIN is not in the partner registry`;
  if (test.stage === undefined) {
    const replay = replayCase({ policy, registry }, validator, thread);
    if (replay.problems.length > 0) return replay.problems.join('; ');
    const decision = decideInCase(
      { ledger: replay.ledger, policy, registry },
      caseMessageOf(submission, sender),
    );
    return decision.outcome === 'rejected' ? `rejected: ${decision.reason}` : decision.decisions;
  }
  const { melders, recipients, ...caseFacts } = test.case ?? {};
  return policy.decide({
    messageType: submission.messageType,
    stage: test.stage,
    payload: submission.payload as unknown as Record<string, unknown>,
    zaakReferenties: submission.envelope.data.zaakReferenties,
    facts: decisionFacts(
      { facts: caseFacts, melders: melders ?? [], recipients: recipients ?? [] },
      readStatedFacts(submission.messageType, submission.payload as never),
    ),
    sender,
    candidates: registry.partners,
  });
}

/** What a recipient gets beyond, and short of, what it must get exactly. */
function differences(
  recipient: string,
  what: string,
  actual: readonly string[],
  wanted: readonly string[],
): string[] {
  const extra = actual.filter((item) => !wanted.includes(item)).sort();
  const missing = wanted.filter((item) => !actual.includes(item)).sort();
  return [
    ...(extra.length > 0 ? [`${recipient} gets ${what} it must not: ${extra.join(', ')}`] : []),
    ...(missing.length > 0
      ? [`${recipient} misses ${what} it must get: ${missing.join(', ')}`]
      : []),
  ];
}

function describe(decision: RecipientDecision): string {
  return decision.level === 'inhoud'
    ? `inhoud (${[...new Set(decision.deliveredFields.map(generalise))].sort().join(', ')})`
    : decision.level;
}
