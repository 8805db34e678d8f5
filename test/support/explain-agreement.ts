import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { policyExplain } from '../../apps/cli/src/policy/policy-commands';
import type { DecisionAudit } from './audit-trail';
import { ROOT } from './partner-kit';

/**
 * Asks `samenloop policy explain --case` about every decision the gateway audited for the given
 * submissions, each with the submissions before it as its case, and expects the same answer:
 * level and delivered fields per partner. Returns how many decisions were compared.
 */
export function expectExplainAgrees(
  submissions: readonly { readonly id: string }[],
  decisions: readonly DecisionAudit[],
): number {
  const directory = mkdtempSync(path.join(tmpdir(), 'samenloop-case-'));
  const files = submissions.map((submission, index) => {
    const file = path.join(directory, `${index}.json`);
    writeFileSync(file, JSON.stringify(submission));
    return file;
  });
  let compared = 0;
  for (const [index, submission] of submissions.entries()) {
    for (const audit of decisions.filter((record) => record.messageId === submission.id)) {
      const outcome = policyExplain(path.join(ROOT, 'deploy'), files[index]!, audit.recipient, {
        case: files.slice(0, index),
      });
      expect(outcome.exitCode).toBe(0);
      expect(outcome.lines.find((line) => line.startsWith('nl.samenloop.'))).toMatch(
        new RegExp(`to ${audit.recipient} at stage [a-z-]+: ${audit.level}`),
      );
      const explained = outcome.lines
        .filter((line) => line.startsWith('  deliver '))
        .map((line) => line.split(/\s+/)[2])
        .sort();
      expect(explained).toEqual([...audit.deliveredFields].sort());
      compared++;
    }
  }
  return compared;
}
