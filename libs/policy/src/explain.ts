import { covers, generalise, type FieldPath } from './field-path';
import type { RecipientDecision } from './policy';

export interface FieldExplanation {
  readonly path: FieldPath;
  readonly delivered: boolean;
  /** The rule ids that allowed the field, or why it was withheld. */
  readonly because: string;
}

/** Per field of the message: which rule let it through to this recipient, or why it stayed behind. */
export function explainDecision(decision: RecipientDecision): FieldExplanation[] {
  // Only the rules whose allowlist covers the field: "why did VT receive this field?" exactly.
  const allowing = (path: FieldPath) =>
    decision.rules
      .filter((rule) => (rule.fields ?? []).some((allowed) => covers(allowed, generalise(path))))
      .map((rule) => rule.id)
      .join(', ');
  return [
    ...decision.deliveredFields.map((path) => ({
      path,
      delivered: true,
      because: `allowed by ${allowing(path)}`,
    })),
    ...decision.withheldFields.map(({ path, reason }) => ({
      path,
      delivered: false,
      because: reason,
    })),
  ].sort((a, b) => a.path.localeCompare(b.path, 'en', { numeric: true }));
}
