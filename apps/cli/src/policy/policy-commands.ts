import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CASE_STAGES, formatContractError, isCaseStage } from '@samenloop/contracts';
import { explainDecision, mergeFacts, readCaseFacts, runPolicyTests } from '@samenloop/policy';
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

/** `samenloop policy explain <message> --recipient <id> [--stage <stage>]`: per field, why. */
export function policyExplain(
  deployDirectory: string,
  messageFile: string,
  recipientId: string,
  stage: string | undefined,
): CommandOutcome {
  const workspace: PolicyWorkspace = loadPolicyWorkspace(deployDirectory);
  const validation = workspace.validator.validateSubmissionJson(readFileSync(messageFile, 'utf8'));
  if (!validation.ok) return { exitCode: 1, lines: validation.errors.map(formatContractError) };
  const submission = validation.value;
  const recipient = workspace.registry.get(recipientId);
  if (!recipient) return { exitCode: 1, lines: [`${recipientId} is not in the partner registry`] };
  const sender = workspace.registry.bySource(submission.envelope.source);
  if (!sender)
    return { exitCode: 1, lines: ["the message's source OIN is not in the partner registry"] };
  const caseStage = stage ?? 'melding';
  if (!isCaseStage(caseStage))
    return { exitCode: 1, lines: [`--stage must be one of: ${CASE_STAGES.join(', ')}`] };
  if (recipient.id === sender.id)
    return {
      exitCode: 1,
      lines: [`${recipient.id} sent this message; a sender receives nothing back`],
    };
  const [decision] = workspace.policy.decide({
    messageType: submission.messageType,
    stage: caseStage,
    payload: submission.payload as unknown as Record<string, unknown>,
    facts: mergeFacts(readCaseFacts(submission.messageType, submission.payload as never), {}),
    sender,
    candidates: [recipient],
  });
  if (!decision) return { exitCode: 1, lines: ['no decision'] };
  const header = `${submission.messageType} to ${recipient.id} at stage ${caseStage}: ${decision.level}${
    decision.reason ? ` (${decision.reason})` : ''
  }`;
  const grounds = decision.rules.map(
    (rule) => `  rule ${rule.id}: ${rule.purpose} [${rule.legalBasis.label}]`,
  );
  const fields = explainDecision(decision).map(
    (field) => `  ${field.delivered ? 'deliver ' : 'withhold'} ${field.path}  ${field.because}`,
  );
  return {
    exitCode: 0,
    lines: [header, ...grounds, ...fields, `policy ${workspace.policy.version}`],
  };
}
