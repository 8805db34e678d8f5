import { readFileSync } from 'node:fs';
import path from 'node:path';
import { factsInThread, readStatedFacts } from '@samenloop/case';
import {
  CASE_STAGES,
  formatContractError,
  isCaseStage,
  type CaseStage,
} from '@samenloop/contracts';
import {
  caseMessageOf,
  decideInCase,
  explainDecision,
  replayCase,
  runPolicyTests,
  senderOf,
  type RecipientDecision,
  type ReplayedMessage,
} from '@samenloop/policy';
import { parse } from 'yaml';
import { z } from 'zod';
import type { CommandOutcome } from '../validate/validate-file';
import { loadPolicyWorkspace, type PolicyWorkspace } from './policy-workspace';

/** `samenloop policy test [dir]`: runs policy test files; exit 1 on any failure. */
export function policyTest(deployDirectory: string, testDirectory?: string): CommandOutcome {
  const workspace = loadPolicyWorkspace(deployDirectory);
  const results = runPolicyTests(
    testDirectory ?? path.join(deployDirectory, 'policies/tests'),
    workspace,
  );
  const lines = results.flatMap((result) =>
    result.failures.length === 0
      ? [`PASS ${result.file}`]
      : [
          `FAIL ${result.file}: ${result.description}`,
          ...result.failures.map((failure) => `  - ${failure}`),
        ],
  );
  const failed = results.filter((result) => result.failures.length > 0).length;
  lines.push(
    `${results.length - failed} passed, ${failed} failed (policy ${workspace.policy.version})`,
  );
  return { exitCode: failed === 0 && results.length > 0 ? 0 : 1, lines };
}

/**
 * `samenloop policy explain <message> --recipient <id> [--case <files...>] [--stage <stage>]`: per
 * field, why. With `--case`, the thread's earlier messages are replayed first through the gateway's
 * own case code, so the answer is the one the hub gives in that case; with `--stage` alone, the
 * message is judged on the facts it states itself at that stage.
 */
export function policyExplain(
  deployDirectory: string,
  messageFile: string,
  recipientId: string,
  options: { readonly stage?: string; readonly case?: readonly string[] } = {},
): CommandOutcome {
  const workspace: PolicyWorkspace = loadPolicyWorkspace(deployDirectory);
  const { registry, validator, policy } = workspace;
  const read = (file: string) => {
    const validation = validator.validateSubmissionJson(readFileSync(file, 'utf8'));
    return validation.ok
      ? { label: path.basename(file), submission: validation.value }
      : validation.errors.map((error) => `${path.basename(file)}: ${formatContractError(error)}`);
  };
  const target = read(messageFile);
  if (Array.isArray(target)) return { exitCode: 1, lines: target };
  const { submission } = target;
  const recipient = registry.get(recipientId);
  if (!recipient) return { exitCode: 1, lines: [`${recipientId} is not in the partner registry`] };
  const sender = senderOf(submission, registry, validator);
  if (!sender)
    return { exitCode: 1, lines: ["the message's source OIN is not in the partner registry"] };
  if (recipient.id === sender.id)
    return {
      exitCode: 1,
      lines: [`${recipient.id} sent this message; a sender receives nothing back`],
    };
  if (options.stage !== undefined && !isCaseStage(options.stage))
    return { exitCode: 1, lines: [`--stage must be one of: ${CASE_STAGES.join(', ')}`] };
  if (options.stage !== undefined && options.case !== undefined)
    return {
      exitCode: 1,
      lines: ['give --case or --stage, not both: with --case the hub derives the stage'],
    };
  let stage: CaseStage;
  let decision: RecipientDecision | undefined;
  const replayed: string[] = [];
  const notes: string[] = [];
  if (options.stage !== undefined) {
    stage = options.stage;
    [decision] = policy.decide({
      messageType: submission.messageType,
      stage,
      payload: submission.payload as unknown as Record<string, unknown>,
      zaakReferenties: submission.envelope.data.zaakReferenties,
      facts: factsInThread(
        undefined,
        readStatedFacts(submission.messageType, submission.payload as never),
      ),
      sender,
      candidates: [recipient],
    });
  } else {
    const earlier = caseFiles(options.case ?? []).map(read);
    const unreadable = earlier.filter((entry) => Array.isArray(entry)).flat();
    if (unreadable.length > 0) return { exitCode: 1, lines: unreadable };
    const replay = replayCase({ policy, registry }, validator, earlier as ReplayedMessage[]);
    if (replay.problems.length > 0) return { exitCode: 1, lines: [...replay.problems] };
    replayed.push(...replay.steps.map((step) => `  case: ${step}`));
    const inCase = decideInCase(
      { ledger: replay.ledger, policy, registry },
      caseMessageOf(submission, sender),
    );
    if (inCase.outcome === 'rejected')
      return { exitCode: 1, lines: [...replayed, `rejected (${inCase.code}): ${inCase.reason}`] };
    if (inCase.outcome === 'parked')
      return {
        exitCode: 0,
        lines: [
          ...replayed,
          `parked (${inCase.parking ?? ''}): the hub delivers nothing of it until the operator releases it`,
        ],
      };
    if (inCase.outcome === 'released' && inCase.vtHeld)
      return {
        exitCode: 0,
        lines: [
          ...replayed,
          `released, but its part for Veilig Thuis is held still (${inCase.vtHeld}): no Veilig Thuis can be determined yet, so nothing is delivered`,
        ],
      };
    if (inCase.outcome === 'released' && recipient.kind !== 'VT')
      return {
        exitCode: 0,
        lines: [
          ...replayed,
          `released: only the held part for Veilig Thuis is routed now; ${recipient.id} got its part when the message was first routed and nothing again`,
        ],
      };
    if (inCase.outcome === 'released')
      notes.push(
        `released: the held part for Veilig Thuis, decided at the stage the case is in now (${inCase.stage})`,
      );
    if (inCase.vtHeld)
      notes.push(
        `the part for Veilig Thuis is held (${inCase.vtHeld}): no Veilig Thuis receives it until the operator releases it; the others receive the message now`,
      );
    stage = inCase.stage;
    decision = inCase.decisions.find((candidate) => candidate.recipient.id === recipient.id);
  }
  if (!decision) return { exitCode: 1, lines: ['no decision'] };
  const header = `${submission.messageType} to ${recipient.id} at stage ${stage}: ${decision.level}${
    decision.reason ? ` (${decision.reason})` : ''
  }`;
  const grounds = decision.rules.map(
    (rule) => `  rule ${rule.id}: ${rule.purpose} [${rule.legalBasis.label}]`,
  );
  const fields = explainDecision(decision).map(
    (field) => `  ${field.delivered ? 'deliver ' : 'withhold'} ${field.path}  ${field.because}`,
  );
  const references = [
    ...decision.deliveredReferences.map((reference) => {
      const kind = reference.split('/')[2] ?? '';
      const listing = decision.rules.filter((rule) => rule.zaakReferenties?.includes(kind));
      return `  share    ${reference}  listed by ${listing.map((rule) => rule.id).join(', ')}`;
    }),
    ...decision.withheldReferences.map(
      (reference) => `  keep     ${reference}  listed by no rule that applies`,
    ),
  ];
  return {
    exitCode: 0,
    lines: [
      ...replayed,
      ...notes,
      header,
      ...grounds,
      ...fields,
      ...references,
      `policy ${policy.version}`,
    ],
  };
}

/** `--case` takes message files, or a case file (YAML) listing them in order. */
function caseFiles(files: readonly string[]): string[] {
  return files.flatMap((file) => {
    if (!/\.ya?ml$/.test(file)) return [file];
    const listed = caseFileSchema.parse(parse(readFileSync(file, 'utf8')));
    return listed.messages.map((message) => path.resolve(path.dirname(file), message));
  });
}

const caseFileSchema = z.object({ messages: z.array(z.string().min(1)).min(1).max(50) }).strict();
