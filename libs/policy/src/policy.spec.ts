import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CASE_STAGES, ContractValidator } from '@samenloop/contracts';
import { hubSender, oinOf, PartnerRegistry, type Partner } from '@samenloop/partners';
import { decisionFacts, readStatedFacts, type CaseFacts } from '@samenloop/case';
import {
  Policy,
  InvalidPolicyError,
  mismatch,
  type AuthorizationRequest,
  type DecisionRequest,
} from './policy';
import { loadPolicyDirectory, policyContext } from './policy-loader';

const DEPLOY = path.resolve(__dirname, '../../../deploy');
const SCHEMAS = path.resolve(__dirname, '../../../schemas');
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
      facts: { domesticViolence: true, minorsInvolved: false },
      zaakReferenties: { zsmZaakId: 'ZSM-OB-2026-004211' },
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

    it('names the never-share paths a message carries, and none when it carries none', () => {
      expect(policy.neverSharedIn(request.messageType, request.payload)).toEqual([
        '/vertrouwensartsBevindingen',
      ]);
      expect(
        policy.neverSharedIn(request.messageType, { conclusie: request.payload.conclusie }),
      ).toEqual([]);
      expect(policy.neverSharedIn('nl.samenloop.zorgmelding', request.payload)).toEqual([]);
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

    it('shares a case reference only when a rule lists it, and records the paths either way', () => {
      const withReference = Policy.load(
        [
          {
            source: 'a.yaml',
            text: policyWith(`${omConclusie}
    zaakReferenties: [zsmZaakId]`),
          },
        ],
        context,
      );
      const request2 = {
        ...request,
        zaakReferenties: {
          zsmZaakId: 'ZSM-OB-2026-004211',
          politieRegistratienummer: 'PL2100-2026113017',
        },
      };
      const om = withReference.decide(request2).find((decision) => decision.recipient.id === 'OM')!;
      const without = policy.decide(request2).find((decision) => decision.recipient.id === 'OM')!;

      expect(om).toMatchObject({
        zaakReferenties: { zsmZaakId: 'ZSM-OB-2026-004211' },
        deliveredReferences: ['/zaakReferenties/zsmZaakId'],
        withheldReferences: ['/zaakReferenties/politieRegistratienummer'],
      });
      expect(without).toMatchObject({ zaakReferenties: {}, deliveredReferences: [] });
    });

    it('refuses a rule that lists a kind of case reference the envelope does not have', () => {
      expect(
        refusal(
          policyWith(`${omConclusie}
    zaakReferenties: [bsn]`),
        ),
      ).toEqual([
        'test.yaml: rule vb.om: zaakReferenties: bsn is not a kind of case reference (politieRegistratienummer, zsmZaakId, parketnummer, vtZaakReferentie)',
      ]);
    });

    it('lets every VT of the household municipalities a thread knows receive, and no other', () => {
      const vtPolicy = Policy.load(
        [
          {
            source: 'a.yaml',
            text: policyWith(`id: vb.vt
    recipient: { kind: VT }
    messageType: nl.samenloop.zorgmelding
    stages: [melding]
    when: { recipientServesMunicipality: true }
    fields: [/incident]`),
          },
        ],
        context,
      );
      const receivers = (gemeentecodes: string[]) =>
        vtPolicy
          .decide({
            ...request,
            messageType: 'nl.samenloop.zorgmelding',
            stage: 'melding',
            payload: { incident: {} },
            sender: registry.get('POLITIE-OB')!,
            facts: { domesticViolence: true, gemeentecodes },
          })
          .filter((decision) => decision.level === 'inhoud')
          .map((decision) => decision.recipient.id);

      expect(receivers(['GM0772'])).toEqual(['VT-ZOB']);
      expect(receivers(['GM0772', 'GM0828'])).toEqual(['VT-BNO', 'VT-ZOB']);
      expect(receivers(['GM0363'])).toEqual([]);
    });
  });
  describe('authorize', () => {
    const policy = Policy.load(
      [
        {
          source: 'a.yaml',
          text: policyWith(
            omConclusie,
            `id: vb.om-zelf
    recipient: { id: OM }
    messageType: nl.samenloop.veiligheidsbeoordeling
    stages: [zsm]
    fields: [/geadviseerdeVoorwaarden]`,
            `id: vb.om.meer
    recipient: { kind: OM }
    messageType: nl.samenloop.veiligheidsbeoordeling
    stages: [zsm]
    when: { minorsInvolved: true }
    fields: [/risicofactoren]`,
          ),
        },
      ],
      context,
    );
    const request: AuthorizationRequest = {
      messageType: 'nl.samenloop.veiligheidsbeoordeling',
      stage: 'zsm',
      facts: { domesticViolence: true, minorsInvolved: true },
      sender: registry.get('VT-BNO')!,
    };

    it('decides the level, the granting rules and the allowed fields without a payload', () => {
      const om = policy.authorize(request, registry.get('OM')!);

      expect(om).toMatchObject({ level: 'inhoud', reason: undefined, awaitsMunicipality: false });
      // Rules for the partner's id and for its kind add up, in the order of the policy files.
      expect(om.rules.map((rule) => rule.id)).toEqual(['vb.om', 'vb.om-zelf', 'vb.om.meer']);
      expect(om.allowedFields).toEqual([
        '/conclusie',
        '/geadviseerdeVoorwaarden',
        '/risicofactoren',
      ]);
    });

    it('never authorises the sender to receive its own message', () => {
      expect(
        policy.authorize({ ...request, sender: registry.get('OM')! }, registry.get('OM')!),
      ).toMatchObject({
        level: 'geen',
        rules: [],
        reason: 'OM sent the message',
      });
    });
  });

  /**
   * The rule index must never drop a rule that could apply: every decision equals the one found by
   * going through all rules one by one, for every example message at every stage, with known,
   * unknown and contrary facts, for every partner.
   */
  describe('the rule index', () => {
    const examples = readdirSync(SCHEMAS).flatMap((folder) => {
      const valid = path.join(SCHEMAS, folder, 'examples/valid');
      if (!existsSync(valid)) return [];
      return readdirSync(valid).flatMap((file) => {
        const validation = validator.validateSubmissionJson(
          readFileSync(path.join(valid, file), 'utf8'),
        );
        return validation.ok ? [validation.value] : [];
      });
    });
    const fromCase: (CaseFacts & { melders?: string[]; recipients?: string[] })[] = [
      {},
      {
        domesticViolence: true,
        minorsInvolved: true,
        gemeentecodes: ['GM0772'],
        raadBetrokken: true,
        adultSuspect: true,
        melders: ['POLITIE-OB', 'RVDK', '3RO'],
        recipients: ['OM', 'VT-ZOB', '3RO'],
      },
      {
        domesticViolence: false,
        minorsInvolved: false,
        gemeentecodes: ['GM0796', 'GM0772'],
        minorSuspect: true,
        melders: ['VT-BNO'],
        recipients: ['VT-BNO', 'RVDK'],
      },
      { gemeentecodes: ['GM0363'] },
    ];
    const requests: AuthorizationRequest[] = examples.flatMap((submission) =>
      CASE_STAGES.flatMap((stage) =>
        fromCase.map((known) => ({
          messageType: submission.messageType,
          stage,
          facts: decisionFacts(
            { facts: known, melders: known.melders ?? [], recipients: known.recipients ?? [] },
            readStatedFacts(submission.messageType, submission.payload as never),
          ),
          sender:
            registry.bySource(submission.envelope.source) ??
            hubSender(oinOf(submission.envelope.source) ?? ''),
        })),
      ),
    );
    const byPartnerId = Policy.load(
      [
        {
          source: 'b.yaml',
          text: policyWith(
            `id: af.politie.eerst
    recipient: { kind: POLITIE }
    notificationOnly: true
    messageType: nl.samenloop.afdoeningsbeslissing
    stages: [afdoening, zsm]
    when: { minorsInvolved: true }`,
            `id: af.politie-ob.inhoud
    recipient: { id: POLITIE-OB }
    messageType: nl.samenloop.afdoeningsbeslissing
    stages: [afdoening]
    when: { domesticViolence: true }
    fields: [/beslissing]`,
            `id: af.politie.notificatie
    recipient: { kind: POLITIE }
    notificationOnly: true
    messageType: nl.samenloop.afdoeningsbeslissing
    stages: [afdoening, zsm]`,
            `id: af.vt-zob.inhoud
    recipient: { id: VT-ZOB }
    messageType: nl.samenloop.afdoeningsbeslissing
    stages: [afdoening]
    when: { recipientServesMunicipality: true }
    fields: [/voorwaarden]`,
          ),
        },
      ],
      context,
    );

    /** The decision as the engine took it before the index: every rule, one by one. */
    function ruleByRule(policy: Policy, request: AuthorizationRequest, recipient: Partner) {
      const candidates = policy.rules.filter(
        (rule) =>
          rule.messageType === request.messageType &&
          (rule.recipient.id !== undefined
            ? rule.recipient.id === recipient.id
            : rule.recipient.kind === recipient.kind),
      );
      const matching = candidates.filter(
        (rule) => mismatch(rule, recipient, request) === undefined,
      );
      const content = matching.filter((rule) => !rule.notificationOnly);
      const notification = matching.find((rule) => rule.notificationOnly);
      const rules = content.length > 0 ? content : notification ? [notification] : [];
      return {
        level: content.length > 0 ? 'inhoud' : notification ? 'notificatie' : 'geen',
        rules: rules.map((rule) => rule.id),
        allowedFields: content.flatMap((rule) => rule.fields ?? []),
        candidates: candidates.map((rule) => rule.id),
        awaitsMunicipality:
          rules.length === 0 &&
          candidates.some(
            (rule) =>
              mismatch(rule, recipient, request, { municipalityServed: true }) === undefined,
          ),
      };
    }

    it.each([
      ['the Oost-Brabant policy', loadPolicyDirectory(path.join(DEPLOY, 'policies'), context)],
      ['a policy with rules for partner ids and kinds', byPartnerId],
    ])('finds every rule that applies, as rule-by-rule evaluation does, in %s', (_name, policy) => {
      let inhoud = 0;
      for (const request of requests) {
        for (const recipient of registry.partners) {
          if (recipient.id === request.sender.id) continue;
          const expected = ruleByRule(policy, request, recipient);
          const authorization = policy.authorize(request, recipient);

          expect({
            level: authorization.level,
            rules: authorization.rules.map((rule) => rule.id),
            allowedFields: authorization.allowedFields,
            awaitsMunicipality: authorization.awaitsMunicipality,
          }).toEqual({
            level: expected.level,
            rules: expected.rules,
            allowedFields: expected.allowedFields,
            awaitsMunicipality: expected.awaitsMunicipality,
          });
          // A refusal names every rule that could have applied, and why it did not.
          if (authorization.level === 'geen') {
            expect(
              expected.candidates.length === 0
                ? [authorization.reason]
                : authorization.reason.split('; ').map((part) => part.split(':')[0]),
            ).toEqual(
              expected.candidates.length === 0
                ? [`no rule shares ${request.messageType} with ${recipient.id}`]
                : expected.candidates.map((id) => `rule ${id}`),
            );
          }
          if (authorization.level === 'inhoud') inhoud++;
        }
      }
      expect(inhoud).toBeGreaterThan(0);
    });
  });
});
