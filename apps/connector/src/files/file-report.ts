import type { FileOutcome } from './file-handler';

export interface FileReportFacts {
  readonly kind: string;
  /** The name the case system gave the file; the report stays beside the file, out of any log. */
  readonly originalName: string;
  /** Where it went, relative to the inbox folder, e.g. `error/20261203T101500Z-melding.xml`. */
  readonly movedTo: string;
  readonly handledAt: Date;
  readonly outcome: FileOutcome;
}

/**
 * The report beside a handled file, for whoever fixes it: what handled it, when, the counts, then
 * one problem per line as `samenloop validate` prints it.
 */
export function fileReport({
  kind,
  originalName,
  movedTo,
  handledAt,
  outcome,
}: FileReportFacts): string {
  const counts = outcome.status === 'processed' ? Object.entries(outcome.summary) : [];
  const verdict =
    outcome.status === 'processed'
      ? 'processed: submitted, except what the problems below name'
      : 'error: nothing of this file was submitted; fix the problems below and drop it again';
  return [
    `adapter: ${kind}`,
    `file: ${originalName}`,
    `moved to: ${movedTo}`,
    `handled at: ${handledAt.toISOString()}`,
    `outcome: ${verdict}`,
    ...counts.map(([name, count]) => `${name}: ${count}`),
    `problems: ${outcome.problems.length}`,
    '',
    ...outcome.problems,
    '',
  ].join('\n');
}
