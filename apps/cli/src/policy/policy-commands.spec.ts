import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { policyExplain, policyTest } from './policy-commands';

const ROOT = path.resolve(__dirname, '../../../..');
const DEPLOY = path.join(ROOT, 'deploy');
const ENTRY = path.join(
  ROOT,
  'schemas/verdachtenmonitor-entry/examples/valid/partnergeweld-aangehouden-met-kinderen.json',
);

describe(policyTest.name, () => {
  it('passes the baseline policy tests and exits 0', () => {
    const outcome = policyTest(DEPLOY);

    expect(outcome.exitCode).toBe(0);
    const tests = readdirSync(path.join(DEPLOY, 'policies/tests')).filter((file) =>
      file.endsWith('.yaml'),
    ).length;
    expect(outcome.lines.at(-1)).toMatch(
      new RegExp(`^${tests} passed, 0 failed \\(policy sha256:[0-9a-f]{64}\\)$`),
    );
  });

  it('exits 1 and names the over-shared fields when a test fails', () => {
    const scratch = mkdtempSync(path.join(tmpdir(), 'samenloop-policy-cli-'));
    writeFileSync(
      path.join(scratch, 'te-veel.yaml'),
      `description: VT-ZOB only needs the ZSM id\nmessage: ${ENTRY}\nstage: zsm\nexpect:\n  VT-ZOB: { level: inhoud, fields: [/zsmZaakId] }\n  OM: { level: notificatie }\n`,
    );

    const outcome = policyTest(DEPLOY, scratch);

    expect(outcome.exitCode).toBe(1);
    expect(outcome.lines).toEqual([
      'FAIL te-veel.yaml: VT-ZOB only needs the ZSM id',
      expect.stringMatching(/^ {2}- OM must get notificatie but gets inhoud/),
      expect.stringMatching(/^ {2}- VT-ZOB gets fields it must not: \/aanhouding, \/feit, /),
      expect.stringMatching(/^ {2}- RVDK must receive nothing but gets inhoud/),
      expect.stringMatching(/^ {2}- 3RO must receive nothing but gets inhoud/),
      expect.stringMatching(/^0 passed, 1 failed/),
    ]);
  });
});

describe(`${policyTest.name} on case references`, () => {
  it('names the case references a partner gets but must not, and those it misses', () => {
    const scratch = mkdtempSync(path.join(tmpdir(), 'samenloop-policy-cli-'));
    writeFileSync(
      path.join(scratch, 'referenties.yaml'),
      `description: OM files the entry by its parketnummer only\nthread: [${ENTRY}]\nmessage: ${ENTRY}\nexpect:\n  OM: { level: inhoud, fields: [/zsmZaakId], zaakReferenties: [parketnummer] }\n`,
    );

    const outcome = policyTest(DEPLOY, scratch);

    expect(outcome.exitCode).toBe(1);
    expect(outcome.lines).toEqual(
      expect.arrayContaining([
        '  - OM gets case references it must not: zsmZaakId',
        '  - OM misses case references it must get: parketnummer',
      ]),
    );
  });
});

describe(policyExplain.name, () => {
  it('names, per field, the rule that allowed it or why it was withheld', () => {
    const outcome = policyExplain(DEPLOY, ENTRY, 'VT-ZOB', { stage: 'zsm' });

    expect(outcome.exitCode).toBe(0);
    expect(outcome.lines).toEqual(
      expect.arrayContaining([
        'nl.samenloop.verdachtenmonitor-entry to VT-ZOB at stage zsm: inhoud',
        '  deliver  /justitieleDocumentatie/samenvatting  allowed by vm.vt.huiselijk-geweld',
        '  withhold /justitieleDocumentatie/volledigOverzicht  not in the allowlist of vm.vt.huiselijk-geweld',
      ]),
    );
  });

  it('explains why the other VT receives nothing', () => {
    expect(policyExplain(DEPLOY, ENTRY, 'VT-BNO', { stage: 'zsm' }).lines[0]).toBe(
      "nl.samenloop.verdachtenmonitor-entry to VT-BNO at stage zsm: geen (rule vm.vt.huiselijk-geweld: the household's municipality is not one VT-BNO serves)",
    );
  });

  it('answers for the case with --case: the decision reaches VT and RVDK, which the message alone does not say', () => {
    const afdoening = path.join(
      ROOT,
      'schemas/afdoeningsbeslissing/examples/valid/heenzenden-met-voorwaarden-partnergeweld.json',
    );
    const alone = policyExplain(DEPLOY, afdoening, 'VT-ZOB', { stage: 'afdoening' });
    const inCase = policyExplain(DEPLOY, afdoening, 'VT-ZOB', { case: [ENTRY] });
    const raad = policyExplain(DEPLOY, afdoening, 'RVDK', { case: [ENTRY] });

    expect(alone.lines[0]).toMatch(/: geen \(/);
    expect(inCase.lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^ {2}case: partnergeweld-aangehouden-met-kinderen\.json: routed at stage zsm to /,
        ),
        'nl.samenloop.afdoeningsbeslissing to VT-ZOB at stage afdoening: inhoud',
        expect.stringMatching(/^ {2}deliver {2}\/beslissing {2}allowed by /),
        '  share    /zaakReferenties/zsmZaakId  listed by af.vt.terugkoppeling',
        '  keep     /zaakReferenties/parketnummer  listed by no rule that applies',
      ]),
    );
    expect(raad.lines).toContain(
      'nl.samenloop.afdoeningsbeslissing to RVDK at stage afdoening: inhoud',
    );
  });

  it("refuses a message the case does not allow, with the hub's reason", () => {
    const afdoening = path.join(
      ROOT,
      'schemas/afdoeningsbeslissing/examples/valid/heenzenden-met-voorwaarden-partnergeweld.json',
    );
    expect(policyExplain(DEPLOY, afdoening, 'VT-ZOB', { case: [] })).toMatchObject({
      exitCode: 1,
      lines: [expect.stringMatching(/^rejected \(invalid-stage-transition\): /)],
    });
  });

  it('refuses an unknown stage with the list of stages', () => {
    expect(policyExplain(DEPLOY, ENTRY, 'OM', { stage: 'vergeten' })).toEqual({
      exitCode: 1,
      lines: [
        '--stage must be one of: acuut, melding, zsm, afdoening, actie-overleg, strafbare-kindermishandeling, gesloten',
      ],
    });
  });
});
