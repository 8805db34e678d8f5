import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decisionAudits } from '../support/audit-trail';
import type { GatewayProcess } from '../support/gateway-process';
import { newGatewayScenario, type GatewayScenario } from '../support/gateway-scenario';
import { consumeUntil, produce, testKafka, type ConsumedRecord } from '../support/kafka-test-kit';
import { ROOT, policeNumber, registry, submissionFrom } from '../support/partner-kit';

/** One audit record per partner other than the sender. */
const AUDITS_PER_MESSAGE = registry.partners.length - 1;

describe('policy hot reload in a running gateway', () => {
  const kafka = testKafka();
  const policyDirectory = mkdtempSync(path.join(tmpdir(), 'samenloop-live-policy-'));
  const policyFile = path.join(policyDirectory, 'oost-brabant.yaml');
  let scenario: GatewayScenario;
  let gateway: GatewayProcess | undefined;

  afterEach(async () => {
    await gateway?.kill();
  });

  const audits = (records: readonly ConsumedRecord[]) => decisionAudits(records);

  async function sendZorgmelding(): Promise<void> {
    const nummer = policeNumber();
    const submission = submissionFrom(
      'zorgmelding/examples/valid/partnergeweld-met-kinderen.json',
      {
        sender: 'POLITIE-OB',
        zaakReferenties: { politieRegistratienummer: nummer },
      },
    );
    await produce(kafka, scenario.topics.inbound('POLITIE-OB'), [
      await scenario.partners.signed('POLITIE-OB', submission, nummer),
    ]);
  }

  it('keeps the last good policy when a change does not load, and applies a change that does', async () => {
    copyFileSync(path.join(ROOT, 'deploy/policies/oost-brabant.yaml'), policyFile);
    scenario = await newGatewayScenario(kafka, { SAMENLOOP_POLICY_DIR: policyDirectory });
    gateway = await scenario.startGateway();
    const original = readFileSync(policyFile, 'utf8');

    // A rule that would share the confidential doctor's findings: refused.
    let mark = gateway.logs.length;
    writeFileSync(
      policyFile,
      original.replace(
        'fields: [/conclusie, /geadviseerdeVoorwaarden]',
        'fields: [/conclusie, /vertrouwensartsBevindingen]',
      ),
    );
    await gateway.logged(/policy change refused/, mark);
    await sendZorgmelding();
    const first = audits(
      await consumeUntil(kafka, scenario.topics.audit, (read) => read.length >= AUDITS_PER_MESSAGE),
    );
    expect(first.find((audit) => audit.recipient === 'VT-ZOB')?.level).toBe('inhoud');

    // Zorgmeldingen to VT as a notification only: applied from the next message on.
    mark = gateway.logs.length;
    writeFileSync(
      policyFile,
      original.replace(
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
    await gateway.logged(/policy reloaded/, mark);
    await sendZorgmelding();
    const second = audits(
      await consumeUntil(
        kafka,
        scenario.topics.audit,
        (read) => read.length >= 2 * AUDITS_PER_MESSAGE,
      ),
    ).slice(AUDITS_PER_MESSAGE);

    expect(second.find((audit) => audit.recipient === 'VT-ZOB')?.level).toBe('notificatie');
    expect(second[0]?.policyVersion).not.toBe(first[0]?.policyVersion);
  });
});
