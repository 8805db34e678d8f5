import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { policyExplain } from '../../apps/cli/src/policy/policy-commands';
import { ROOT } from './partner-kit';

/** What `samenloop policy explain` says `partner` gets of a submission, as sorted field paths. */
export interface ExplainedFields {
  /** `inhoud`, `notificatie` or `geen`. */
  readonly level: string;
  /** Payload fields delivered, e.g. `/melder`. */
  readonly deliver: string[];
  /** Case references shared, e.g. `/zaakReferenties/politieRegistratienummer`. */
  readonly share: string[];
  /** Case references kept from the partner. */
  readonly keep: string[];
}

export function explainedFields(
  submission: object,
  partner: string,
  /** The case's earlier submissions, oldest first (`--case`); without them the message is a case of its own. */
  earlier: readonly object[] = [],
): ExplainedFields {
  const directory = mkdtempSync(path.join(tmpdir(), 'samenloop-explain-'));
  const [file, ...caseFiles] = [submission, ...earlier].map((message, index) => {
    const written = path.join(directory, `${index}.json`);
    writeFileSync(written, JSON.stringify(message));
    return written;
  });
  const explained = policyExplain(
    path.join(ROOT, 'deploy'),
    file!,
    partner,
    earlier.length > 0 ? { case: caseFiles } : {},
  );
  if (explained.exitCode !== 0)
    throw new Error(`policy explain failed:\n${explained.lines.join('\n')}`);
  const level = / at stage [a-z-]+: ([a-z]+)/.exec(
    explained.lines.find((line) => line.startsWith('nl.samenloop.')) ?? '',
  )?.[1];
  if (!level) throw new Error(`policy explain named no level:\n${explained.lines.join('\n')}`);
  const listed = (verb: string) =>
    explained.lines
      .filter((line) => line.startsWith(`  ${verb} `))
      .map((line) => line.trim().split(/\s+/)[1]!)
      .sort();
  return { level, deliver: listed('deliver'), share: listed('share'), keep: listed('keep') };
}

/** A delivered document's payload fields and case references, as `explainedFields` lists them. */
export function deliveredFields(document: Record<string, unknown>): {
  deliver: string[];
  share: string[];
} {
  return {
    deliver: Object.keys(document.payload ?? {})
      .map((key) => `/${key}`)
      .sort(),
    share: Object.keys(document.zaakReferenties ?? {})
      .map((key) => `/zaakReferenties/${key}`)
      .sort(),
  };
}

/**
 * What differs between two deliveries of the same content in two cases: their own ids, times and
 * trace, the case references each case was submitted with and the case thread's key.
 */
export function sameForEveryCase(document: Record<string, unknown>): Record<string, unknown> {
  const {
    deliveryId: _deliveryId,
    messageId: _messageId,
    deliveredAt: _deliveredAt,
    traceparent: _traceparent,
    zaakReferenties: _zaakReferenties,
    caseThread,
    ...rest
  } = document;
  const { caseKey: _caseKey, ...thread } = caseThread as Record<string, unknown>;
  return { ...rest, caseThread: thread };
}
