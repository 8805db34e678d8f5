import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ContractValidator } from '@samenloop/contracts';
import { PartnerRegistry } from '@samenloop/partners';
import { deliveryRuleLimit } from './delivery-limits';
import { InvalidPolicyError, Policy } from './policy';
import { policyContext } from './policy-loader';

const ROOT = path.resolve(__dirname, '../../..');
const validator = new ContractValidator();
const registry = PartnerRegistry.fromYaml(
  readFileSync(path.join(ROOT, 'deploy/partners/oost-brabant.yaml'), 'utf8'),
  'oost-brabant.yaml',
);
const context = policyContext(validator, registry);

interface RuleSpec {
  readonly recipient?: string;
  readonly when?: string;
  readonly notificationOnly?: boolean;
  readonly stages?: string;
  readonly purpose?: string;
}

/** A policy file of zorgmelding rules, one per spec. */
function policyFile(...specs: readonly RuleSpec[]): string {
  const rules = specs.map(
    (spec, index) => `  - id: zm.extra.${index}
    recipient: ${spec.recipient ?? '{ kind: VT }'}
    messageType: nl.samenloop.zorgmelding
    stages: ${spec.stages ?? '[melding]'}
${spec.when ? `    when: ${spec.when}\n` : ''}${spec.notificationOnly ? '    notificationOnly: true\n' : '    fields: [/incident]\n'}    purpose: ${spec.purpose ?? 'Test'}
    legalBasis: { label: Test, reference: Test }`,
  );
  return `policy: { name: extra }\nrules:\n${rules.join('\n')}\n`;
}

function problemsOf(text: string): readonly string[] {
  try {
    Policy.load([{ source: 'extra.yaml', text }], context);
    return [];
  } catch (error) {
    if (error instanceof InvalidPolicyError) return error.problems;
    throw error;
  }
}

const times = (count: number, spec: RuleSpec = {}): RuleSpec[] =>
  Array.from({ length: count }, () => spec);

describe('delivery limits at policy load', () => {
  const limit = deliveryRuleLimit();

  it('reads the limit from the delivery schema, which refuses a delivery naming one rule more', () => {
    const delivery = JSON.parse(
      readFileSync(
        path.join(ROOT, 'schemas/delivery/examples/valid/zorgmelding-inhoud-aan-vt-zob.json'),
        'utf8',
      ),
    ) as { grondslag: { ruleIds: string[] } };
    const naming = (count: number) => ({
      ...delivery,
      grondslag: {
        ...delivery.grondslag,
        ruleIds: Array.from({ length: count }, (_, index) => `zm.extra.${index}`),
      },
    });

    expect(limit).toBe(20);
    expect(validator.validateDocument('delivery', naming(limit)).ok).toBe(true);
    expect(validator.validateDocument('delivery', naming(limit + 1)).ok).toBe(false);
  });

  it('refuses 21 content rules that all match a zorgmelding to a VT at once, and loads 20', () => {
    expect(problemsOf(policyFile(...times(limit + 1)))).toEqual([
      `nl.samenloop.zorgmelding to every VT partner: 21 content rules can apply to one delivery at once (stage melding), but a delivery names at most 20 (grondslag.ruleIds in the delivery schema): ${Array.from({ length: 21 }, (_, index) => `zm.extra.${index}`).join(', ')}`,
    ]);
    expect(problemsOf(policyFile(...times(limit)))).toEqual([]);
  });

  it('counts rules for a partner by id together with the rules for its kind', () => {
    expect(
      problemsOf(policyFile(...times(15), ...times(6, { recipient: '{ id: VT-ZOB }' }))),
    ).toEqual([
      expect.stringMatching(
        /^nl\.samenloop\.zorgmelding to VT-ZOB if it is a VT partner: 21 content rules/,
      ),
    ]);
  });

  it('counts only rules that can match together: a shared stage and no contradicting condition', () => {
    const together = times(11, {
      when: '{ domesticViolence: true, recipientServesMunicipality: true }',
    });
    expect(
      problemsOf(
        policyFile(
          ...together,
          ...times(10, { when: '{ domesticViolence: false }' }),
          ...times(10, { stages: '[zsm]' }),
        ),
      ),
    ).toEqual([]);
    expect(
      problemsOf(
        policyFile(
          ...together,
          ...times(10, { when: '{ minorsInvolved: false }', stages: '[zsm, melding]' }),
        ),
      ),
    ).toEqual([
      expect.stringMatching(
        /: 21 content rules can apply to one delivery at once \(stage melding\)/,
      ),
    ]);
  });

  it('refuses rules that can match together when their purposes joined exceed what a delivery carries', () => {
    const long = (letter: string) => letter.repeat(120);
    expect(problemsOf(policyFile({ purpose: long('a') }, { purpose: long('b') }))).toEqual([
      'nl.samenloop.zorgmelding to every VT partner: rules zm.extra.0, zm.extra.1 can apply together (stage melding) and their purposes joined are 242 characters; a delivery carries at most 200: shorten them',
    ]);
    expect(
      problemsOf(
        policyFile(
          { purpose: long('a'), when: '{ minorsInvolved: true }' },
          { purpose: long('b'), when: '{ minorsInvolved: false }' },
          // The same purpose twice is named once.
          { purpose: long('a'), when: '{ minorsInvolved: true }' },
        ),
      ),
    ).toEqual([]);
  });

  it('does not count notification-only rules, which a delivery never adds to content rules', () => {
    expect(problemsOf(policyFile(...times(20), ...times(5, { notificationOnly: true })))).toEqual(
      [],
    );
    expect(
      problemsOf(policyFile(...times(21), ...times(5, { notificationOnly: true }))),
    ).toHaveLength(1);
  });
});
