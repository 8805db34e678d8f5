import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ContractValidator } from '@samenloop/contracts';
import { PartnerRegistry } from '@samenloop/partners';
import { Policy, InvalidPolicyError, type DecisionRequest } from './policy';
import { policyContext } from './policy-loader';

const DEPLOY = path.resolve(__dirname, '../../../deploy');
const validator = new ContractValidator();
const registry = PartnerRegistry.fromYaml(
  readFileSync(path.join(DEPLOY, 'partners/oost-brabant.yaml'), 'utf8'),
  'partners',
);
const context = policyContext(validator, registry);

const LEGAL =
  'purpose: test\n    legalBasis: { label: Wmo 2015 art. 5.2.6, reference: Wmo 2015 artikel 5.2.6 }';
function policyWith(...rules: string[]): string {
  return `policy: { name: test }\nrules:\n${rules.map((rule) => `  - ${rule.trim()}\n    ${LEGAL}`).join('\n')}\n`;
}
const omConclusie = `id: vb.om
    recipient: { kind: OM }
    messageType: nl.samenloop.veiligheidsbeoordeling
    stages: [zsm]
    fields: [/conclusie]`;

function refusal(text: string): readonly string[] {
  try {
    Policy.load([{ source: 'test.yaml', text }], context);
  } catch (error) {
    if (error instanceof InvalidPolicyError) return error.problems;
    throw error;
  }
  throw new Error('the policy loaded');
}

describe(Policy.name, () => {
  it('refuses a rule that allows a field marked never-share in the schema', () => {
    expect(
      refusal(
        policyWith(`id: vb.om.alles
    recipient: { kind: OM }
    messageType: nl.samenloop.veiligheidsbeoordeling
    stages: [zsm]
    fields: [/conclusie, /vertrouwensartsBevindingen/bevindingen]`),
      ),
    ).toEqual([
      'test.yaml: rule vb.om.alles: field /vertrouwensartsBevindingen/bevindingen would share /vertrouwensartsBevindingen, which is never shared (x-samenloop-never-share)',
    ]);
  });

  it('refuses a rule whose minimum ("ten minste") lies outside its allowlist ("ten hoogste")', () => {
    expect(
      refusal(
        policyWith(`id: vb.om
    recipient: { kind: OM }
    messageType: nl.samenloop.veiligheidsbeoordeling
    stages: [zsm]
    fields: [/conclusie]
    minimum: [/conclusie/samenvatting, /geadviseerdeVoorwaarden]`),
      ),
    ).toEqual([
      "test.yaml: rule vb.om: minimum field /geadviseerdeVoorwaarden is not in the rule's allowed fields",
    ]);
  });

  const unknownRecipientAndField = `id: vb.om
    recipient: { id: OM-LIMBURG }
    messageType: nl.samenloop.veiligheidsbeoordeling
    stages: [zsm]
    fields: [/conclusie/samenvating]`;
  const unknownMessageType = `id: vb.om
    recipient: { kind: OM }
    messageType: nl.samenloop.huisbezoek
    stages: [zsm]
    fields: [/x]`;

  it('lists every problem of every rule in one refusal', () => {
    expect(refusal(policyWith(unknownRecipientAndField, unknownMessageType))).toEqual([
      'test.yaml: rule vb.om: recipient OM-LIMBURG is not in the partner registry',
      'test.yaml: rule vb.om: field /conclusie/samenvating does not exist in nl.samenloop.veiligheidsbeoordeling',
      'test.yaml: rule vb.om: message type nl.samenloop.huisbezoek is not one partners can submit',
      'rule id vb.om is used more than once',
    ]);
  });

  it('reports the structure first when a file does not match the policy schema', () => {
    const unknownStage = `id: vb.leeg
    recipient: { kind: OM }
    messageType: nl.samenloop.veiligheidsbeoordeling
    stages: [onbekend]`;

    expect(refusal(policyWith(unknownRecipientAndField, unknownStage))).toEqual([
      expect.stringMatching(/^test\.yaml: rules\.1\.stages\.0: /),
    ]);
  });

  it('refuses a file that is not YAML', () => {
    expect(refusal('rules: [\n')).toEqual([expect.stringMatching(/^test\.yaml: not valid YAML/)]);
  });

  it('is versioned by the SHA-256 of its files', () => {
    const first = Policy.load([{ source: 'a.yaml', text: policyWith(omConclusie) }], context);
    const same = Policy.load([{ source: 'a.yaml', text: policyWith(omConclusie) }], context);
    const changed = Policy.load(
      [{ source: 'a.yaml', text: policyWith(omConclusie.replace('[zsm]', '[zsm, afdoening]')) }],
      context,
    );

    expect(first.version).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(same.version).toBe(first.version);
    expect(changed.version).not.toBe(first.version);
  });

  describe('decide', () => {
    const policy = Policy.load([{ source: 'a.yaml', text: policyWith(omConclusie) }], context);
    const vt = registry.get('VT-BNO')!;
    const request: DecisionRequest = {
      messageType: 'nl.samenloop.veiligheidsbeoordeling',
      stage: 'zsm',
      payload: {
        conclusie: { acuteOnveiligheid: true, structureleOnveiligheid: 'ja', samenvatting: 'x' },
        vertrouwensartsBevindingen: { bevindingen: 'y' },
      },
      facts: { domesticViolence: true, minorsInvolved: false, gemeentecode: undefined },
      sender: vt,
      candidates: registry.partners,
    };

    it('gives a recipient only the fields its rule allows, and says why the rest was withheld', () => {
      const om = policy.decide(request).find((decision) => decision.recipient.id === 'OM')!;

      expect(om).toMatchObject({
        level: 'inhoud',
        payload: { conclusie: request.payload.conclusie },
        deliveredFields: ['/conclusie'],
        withheldFields: [
          {
            path: '/vertrouwensartsBevindingen',
            reason: 'never shared: marked x-samenloop-never-share in the schema',
          },
        ],
      });
    });

    it('denies by default: a partner without a matching rule gets nothing, with the reason', () => {
      const decisions = policy.decide(request);
      const politie = decisions.find((decision) => decision.recipient.id === 'POLITIE-OB')!;
      const omLater = policy
        .decide({ ...request, stage: 'gesloten' })
        .find((decision) => decision.recipient.id === 'OM')!;

      expect(politie).toMatchObject({
        level: 'geen',
        payload: undefined,
        reason: 'no rule shares nl.samenloop.veiligheidsbeoordeling with POLITIE-OB',
      });
      expect(omLater).toMatchObject({
        level: 'geen',
        reason: 'rule vb.om: does not apply at stage gesloten',
      });
      expect(decisions.map((decision) => decision.recipient.id)).not.toContain('VT-BNO');
    });
  });
});
