import { CASE_STAGES, SCHEMA_CATALOGUE } from '@samenloop/contracts';
import type { PolicyRule } from './policy-file';

interface CommonDocument {
  readonly $defs?: { readonly korteTekst?: { readonly maxLength?: number } };
}

interface DeliveryDocument {
  readonly properties?: {
    readonly grondslag?: { readonly properties?: { readonly ruleIds?: { maxItems?: number } } };
  };
}

/**
 * How many rules one delivery can name: `grondslag.ruleIds` `maxItems` in the hub's own delivery
 * schema (major version 1), read from the schema so that the two cannot drift apart.
 */
export function deliveryRuleLimit(): number {
  const delivery = SCHEMA_CATALOGUE.find((entry) => entry.name === 'delivery' && entry.major === 1);
  const limit = (delivery?.document as DeliveryDocument | undefined)?.properties?.grondslag
    ?.properties?.ruleIds?.maxItems;
  if (limit === undefined)
    throw new Error('the delivery schema sets no maxItems on grondslag.ruleIds');
  return limit;
}

/**
 * How long a delivery's purpose and legal basis may be: the `korteTekst` of the common schema that
 * `grondslag.doel` and `wettelijkeGrondslag` use, read from the schema like the rule limit.
 */
export function deliveryTextLimit(): number {
  const common = SCHEMA_CATALOGUE.find((entry) => entry.name === 'common' && entry.major === 1);
  const limit = (common?.document as CommonDocument | undefined)?.$defs?.korteTekst?.maxLength;
  if (limit === undefined) throw new Error('the common schema sets no maxLength on korteTekst');
  return limit;
}

/** A delivery's purpose or legal basis: the distinct texts of its rules, in rule order. */
export function joinedGrounds(texts: readonly string[]): string {
  return [...new Set(texts)].join('; ');
}

/**
 * Rules whose deliveries the delivery schema would refuse: more content rules than a delivery can
 * name (grondslag.ruleIds) that can match one recipient for one message type at once. Content rules
 * that match together all go into the delivery, so such a policy would leave a valid message
 * undeliverable; it is refused at load instead.
 *
 * Rules match together when they share a stage and no `when` condition of one contradicts one of
 * another. A rule naming a partner by id is counted with the rules for every kind, because the
 * policy does not know which kind that partner is.
 */
export function deliveryLimitProblems(rules: readonly PolicyRule[]): string[] {
  const limit = deliveryRuleLimit();
  const textLimit = deliveryTextLimit();
  const problems: string[] = [];
  const content = rules.filter((rule) => !rule.notificationOnly);
  for (const messageType of new Set(content.map((rule) => rule.messageType))) {
    const ofType = content.filter((rule) => rule.messageType === messageType);
    const byKind = groupBy(ofType, (rule) => rule.recipient.kind);
    const byId = groupBy(ofType, (rule) => rule.recipient.id);
    const report = (recipient: string, group: readonly PolicyRule[]): boolean => {
      const together = matchingTogether(group);
      problems.push(...groundsTooLong(messageType, recipient, together, textLimit));
      const largest = together.reduce(
        (most, set) => (set.rules.length > most.rules.length ? set : most),
        { rules: [] as readonly PolicyRule[], stage: '' },
      );
      if (largest.rules.length <= limit) return false;
      problems.push(
        `${messageType} to ${recipient}: ${largest.rules.length} content rules can apply to one delivery at once (stage ${largest.stage}), but a delivery names at most ${limit} (grondslag.ruleIds in the delivery schema): ${largest.rules.map((rule) => rule.id).join(', ')}`,
      );
      return true;
    };
    const kindsOver = new Set(
      [...byKind].filter(([kind, group]) => report(`every ${kind} partner`, group)).map(([k]) => k),
    );
    const idsOver = new Set([...byId].filter(([id, group]) => report(id, group)).map(([id]) => id));
    for (const [id, named] of byId) {
      if (idsOver.has(id)) continue;
      for (const [kind, forKind] of byKind) {
        if (!kindsOver.has(kind))
          report(`${id} if it is a ${kind} partner`, [...forKind, ...named]);
      }
    }
  }
  return problems;
}

function groupBy(
  rules: readonly PolicyRule[],
  keyOf: (rule: PolicyRule) => string | undefined,
): Map<string, PolicyRule[]> {
  const groups = new Map<string, PolicyRule[]>();
  for (const rule of rules) {
    const key = keyOf(rule);
    if (key !== undefined) groups.set(key, [...(groups.get(key) ?? []), rule]);
  }
  return groups;
}

/**
 * Matching rules' purposes and legal bases go into one delivery joined; a join longer than the
 * schema allows would be refused, so the policy is refused at load, not the message at delivery.
 */
function groundsTooLong(
  messageType: string,
  recipient: string,
  together: readonly MatchingSet[],
  limit: number,
): string[] {
  const problems = new Set<string>();
  for (const { rules, stage } of together) {
    const texts = {
      purpose: joinedGrounds(rules.map((rule) => rule.purpose)),
      'legal basis label': joinedGrounds(rules.map((rule) => rule.legalBasis.label)),
      'legal basis reference': joinedGrounds(rules.map((rule) => rule.legalBasis.reference)),
    };
    for (const [what, text] of Object.entries(texts)) {
      if (text.length > limit)
        problems.add(
          `${messageType} to ${recipient}: rules ${rules.map((rule) => rule.id).join(', ')} can apply together (stage ${stage}) and their ${what}s joined are ${text.length} characters; a delivery carries at most ${limit}: shorten them`,
        );
    }
  }
  return [...problems];
}

interface MatchingSet {
  readonly rules: readonly PolicyRule[];
  readonly stage: string;
}

/**
 * The sets of rules of `group` that one message can match at once: per stage, every combination of
 * the values the rules' `when` conditions ask for (conditions no two rules disagree on hold for all).
 */
function matchingTogether(group: readonly PolicyRule[]): MatchingSet[] {
  const sets: MatchingSet[] = [];
  for (const stage of CASE_STAGES) {
    const atStage = group.filter((rule) => rule.stages.includes(stage));
    if (atStage.length === 0) continue;
    const asked = new Map<string, Set<string>>();
    for (const rule of atStage) {
      for (const [condition, value] of Object.entries(rule.when ?? {})) {
        asked.set(condition, (asked.get(condition) ?? new Set()).add(JSON.stringify(value)));
      }
    }
    const disputed = [...asked].filter(([, values]) => values.size > 1);
    for (const facts of combinations(disputed)) {
      const matching = atStage.filter((rule) =>
        Object.entries(rule.when ?? {}).every(
          ([condition, value]) =>
            !facts.has(condition) || facts.get(condition) === JSON.stringify(value),
        ),
      );
      if (matching.length > 0) sets.push({ rules: matching, stage });
    }
  }
  return sets;
}

/** Every way to pick one value per condition. */
function combinations(
  conditions: readonly (readonly [string, ReadonlySet<string>])[],
): Map<string, string>[] {
  let result = [new Map<string, string>()];
  for (const [condition, values] of conditions) {
    result = result.flatMap((picked) =>
      [...values].map((value) => new Map(picked).set(condition, value)),
    );
  }
  return result;
}
