import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { decisionAudits, type DecisionAudit } from '../support/audit-trail';
import { DeliveryWatcher } from '../support/delivery-watcher';
import { newGatewayScenario } from '../support/gateway-scenario';
import { consumeUntil, produce, testKafka, type ConsumedRecord } from '../support/kafka-test-kit';
import { policeNumber, registry, submissionFrom } from '../support/partner-kit';
import { copyPolicyFolder, grantAllPolicy } from '../support/policy-folder';
import { runningHub } from '../support/running-hub';

/** One decision audit record per partner other than the sender. */
const AUDITS_PER_MESSAGE = registry.partners.length - 1;

interface PolicyVersionAudit {
  readonly kind: 'policy-version';
  readonly policyVersion: string;
  readonly previousVersion: string | null;
  readonly trigger: 'start-up' | 'reload';
  readonly files: { name: string; sha256: string }[];
  readonly tests: { passed: number };
  readonly changedBy: { uid: number; user: string | null; file: string } | null;
  readonly instance: string;
  readonly activatedAt: string;
}

/**
 * The policy folder lives outside the repository, with its tests in `tests/` beside it (the
 * default), as a deployment keeps it. Each step changes it in place under the running gateway.
 */
describe('policy hot reload in a running gateway', () => {
  const kafka = testKafka();
  const folder = copyPolicyFolder();
  const policyFile = (name: string) => path.join(folder.directory, name);
  const originals = new Map(
    readdirSync(folder.directory)
      .filter((name) => name.endsWith('.yaml'))
      .map((name) => [name, readFileSync(policyFile(name), 'utf8')]),
  );
  const running = runningHub('afterAll');
  let startUpVersion: string;

  beforeAll(async () => {
    running.scenario = await newGatewayScenario(kafka, { SAMENLOOP_POLICY_DIR: folder.directory });
    running.watcher = await DeliveryWatcher.start(kafka, running.scenario, ['SAMENLOOP-BEHEER']);
    running.gateway = await running.scenario.startGateway();
  });

  const readAudit = async (done: (records: readonly Record<string, unknown>[]) => boolean) =>
    (
      await consumeUntil(kafka, running.scenario.topics.audit, (read) =>
        done(read.map((record) => JSON.parse(record.value ?? '') as Record<string, unknown>)),
      )
    ).map((record) => JSON.parse(record.value ?? '') as Record<string, unknown>);

  const policyVersions = (records: readonly Record<string, unknown>[]) =>
    records.filter((record) => record.kind === 'policy-version') as unknown as PolicyVersionAudit[];

  /** A zorgmelding about a household in Eindhoven; resolves with its decisions once audited. */
  async function sendZorgmelding(): Promise<DecisionAudit[]> {
    const nummer = policeNumber();
    const submission = submissionFrom(
      'zorgmelding/examples/valid/partnergeweld-met-kinderen.json',
      { sender: 'POLITIE-OB', zaakReferenties: { politieRegistratienummer: nummer } },
    );
    await produce(kafka, running.scenario.topics.inbound('POLITIE-OB'), [
      await running.scenario.partners.sealed('POLITIE-OB', submission, nummer),
    ]);
    const ofThis = (records: readonly ConsumedRecord[]) =>
      decisionAudits(records).filter((audit) => audit.messageId === submission.id);
    return ofThis(
      await consumeUntil(
        kafka,
        running.scenario.topics.audit,
        (read) => ofThis(read).length >= AUDITS_PER_MESSAGE,
      ),
    );
  }

  const levels = (audits: readonly DecisionAudit[]) =>
    Object.fromEntries(
      audits
        .filter((audit) => audit.level !== 'geen')
        .map((audit) => [audit.recipient, audit.level]),
    );

  /** The operator's beleid-geweigerd alerts so far, decrypted as SAMENLOOP-BEHEER would. */
  const alertNumber = (count: number) =>
    running.watcher!.until(
      () => running.watcher!.deliveries('SAMENLOOP-BEHEER', 'beleid-geweigerd')[count - 1],
      `beleid-geweigerd alert ${count} at SAMENLOOP-BEHEER`,
    );

  it('audits the policy version that went live at start-up', async () => {
    const [startUp] = policyVersions(await readAudit((read) => policyVersions(read).length >= 1));

    expect(startUp).toEqual({
      kind: 'policy-version',
      auditId: expect.any(String) as string,
      policyVersion: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) as string,
      previousVersion: null,
      trigger: 'start-up',
      files: [
        { name: 'oost-brabant-opvolging.yaml', sha256: expect.any(String) as string },
        { name: 'oost-brabant.yaml', sha256: expect.any(String) as string },
      ],
      tests: {
        passed: readdirSync(folder.testsDirectory).filter((name) => name.endsWith('.yaml')).length,
      },
      changedBy: expect.objectContaining({ uid: process.getuid?.() }) as unknown,
      instance: running.scenario.settings.GATEWAY_INSTANCE_ID,
      activatedAt: expect.any(String) as string,
    });
    startUpVersion = startUp!.policyVersion;
    expect(levels(await sendZorgmelding())).toEqual({ 'VT-ZOB': 'inhoud' });
  });

  it('refuses a grant-all policy, keeps delivering per the old one and alerts the operator', async () => {
    const mark = running.gateway!.logs.length;
    writeFileSync(policyFile('oost-brabant.yaml'), grantAllPolicy());
    await running.gateway!.logged(/policy change refused/, mark);

    const decisions = await sendZorgmelding();
    expect(levels(decisions)).toEqual({ 'VT-ZOB': 'inhoud' });
    expect(decisions.every((audit) => audit.policyVersion === startUpVersion)).toBe(true);
    const alert = await alertNumber(1);
    expect(alert).toMatchObject({
      sender: 'SAMENLOOP',
      recipient: 'SAMENLOOP-BEHEER',
      niveau: 'inhoud',
      grondslag: { ruleIds: ['sig.beleid-geweigerd.beheer'], policyVersion: startUpVersion },
      payload: {
        geweigerdeVersie: expect.stringMatching(/^sha256:/) as string,
        versieInGebruik: startUpVersion,
        bestanden: ['oost-brabant-opvolging.yaml', 'oost-brabant.yaml'],
        problemen: expect.arrayContaining([
          { code: 'beleidstest-faalt', bestand: 'zorgmelding-eindhoven-alleen-naar-vt-zob.yaml' },
        ]) as unknown,
      },
    });
    // One error line for the refusal, naming the failed tests; no message values.
    const refused = running
      .gateway!.logs.slice(mark)
      .split('\n')
      .filter((line) => line.includes('"level":50'));
    expect(refused).toHaveLength(1);
    expect(refused[0]).toContain('policy test zorgmelding-eindhoven-alleen-naar-vt-zob.yaml fails');
  });

  it('refuses an emptied policy folder and keeps delivering per the old policy', async () => {
    const mark = running.gateway!.logs.length;
    for (const name of originals.keys()) rmSync(policyFile(name));
    await running.gateway!.logged(/policy change refused/, mark);

    expect(levels(await sendZorgmelding())).toEqual({ 'VT-ZOB': 'inhoud' });
    expect((await alertNumber(2)).payload).toMatchObject({
      versieInGebruik: startUpVersion,
      bestanden: [],
      problemen: expect.arrayContaining([{ code: 'geen-beleidsbestanden' }]) as unknown,
    });
  });

  it('applies a change that passes its tests, from the next message on, and audits it', async () => {
    for (const [name, text] of originals) writeFileSync(policyFile(name), text);
    const mark = running.gateway!.logs.length;
    // Zorgmeldingen to VT as a notification only, with the tests that say so.
    writeFileSync(
      policyFile('oost-brabant.yaml'),
      originals.get('oost-brabant.yaml')!.replace(
        / {2}- id: zm\.vt\.inhoud[\s\S]*?(?=\n {2}# ---)/,
        `  - id: zm.vt.notificatie
    recipient: { kind: VT }
    notificationOnly: true
    messageType: nl.samenloop.zorgmelding
    stages: [melding]
    when: { recipientServesMunicipality: true }
    purpose: Test
    legalBasis: { label: Test, reference: Test }
`,
      ),
    );
    for (const [test, vt] of [
      ['zorgmelding-eindhoven-alleen-naar-vt-zob.yaml', 'VT-ZOB'],
      ['zorgmelding-oss-alleen-naar-vt-bno.yaml', 'VT-BNO'],
    ] as const) {
      const file = path.join(folder.testsDirectory, test);
      writeFileSync(
        file,
        readFileSync(file, 'utf8').replace(
          /^expect:[\s\S]*$/m,
          `expect:\n  ${vt}: { level: notificatie }\n`,
        ),
      );
    }
    await running.gateway!.logged(/policy reloaded/, mark);

    const decisions = await sendZorgmelding();
    expect(levels(decisions)).toEqual({ 'VT-ZOB': 'notificatie' });
    const reloaded = decisions[0]!.policyVersion;
    expect(reloaded).not.toBe(startUpVersion);

    // Every version that went live has its record, in order; the refused ones have none.
    const versions = policyVersions(await readAudit((read) => policyVersions(read).length >= 2));
    expect(
      versions.map(({ trigger, policyVersion, previousVersion }) => ({
        trigger,
        policyVersion,
        previousVersion,
      })),
    ).toEqual([
      { trigger: 'start-up', policyVersion: startUpVersion, previousVersion: null },
      { trigger: 'reload', policyVersion: reloaded, previousVersion: startUpVersion },
    ]);
    expect(running.watcher!.deliveries('SAMENLOOP-BEHEER', 'beleid-geweigerd')).toHaveLength(2);
  });
});
