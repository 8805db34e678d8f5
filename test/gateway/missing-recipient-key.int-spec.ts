import { renameSync } from 'node:fs';
import { keyFiles } from '@samenloop/crypto';
import { decisionAudits } from '../support/audit-trail';
import type { GatewayProcess } from '../support/gateway-process';
import { newGatewayScenario } from '../support/gateway-scenario';
import { consumeUntil, produce, recordCount, testKafka } from '../support/kafka-test-kit';
import { policeNumber, registry, submissionFrom } from '../support/partner-kit';

describe('a recipient without a usable key', () => {
  const kafka = testKafka();
  let gateway: GatewayProcess | undefined;

  afterEach(async () => {
    await gateway?.kill();
  });

  it('gets nothing in clear: its delivery waits, an alert is raised, and it is delivered once when the key is registered', async () => {
    const scenario = await newGatewayScenario(kafka);
    const keyFile = keyFiles.partnerPublic(scenario.partners.keysDirectory, 'VT-ZOB');
    renameSync(keyFile, `${keyFile}.withheld`);
    gateway = await scenario.startGateway();
    await gateway.logged(/"alert":"missing-partner-key","partner":"VT-ZOB"/);
    const nummer = policeNumber();
    const submission = submissionFrom(
      'zorgmelding/examples/valid/partnergeweld-met-kinderen.json',
      {
        sender: 'POLITIE-OB',
        zaakReferenties: { politieRegistratienummer: nummer },
      },
    );

    const mark = gateway.logs.length;
    await produce(kafka, scenario.topics.inbound('POLITIE-OB'), [
      await scenario.partners.signed('POLITIE-OB', submission, nummer),
    ]);
    await gateway.logged(/"alert":"delivery-waiting-for-key","partner":"VT-ZOB"/, mark);
    expect(await recordCount(kafka, scenario.topics.delivery('VT-ZOB'))).toBe(0);
    // Only the policy version that went live at start-up: no decision is audited yet.
    expect(await recordCount(kafka, scenario.topics.audit)).toBe(1);

    renameSync(`${keyFile}.withheld`, keyFile);
    const [delivery] = await consumeUntil(
      kafka,
      scenario.topics.delivery('VT-ZOB'),
      (read) => read.length >= 1,
    );
    const document = await scenario.partners.open<{ messageId: string }>(delivery!, 'VT-ZOB');
    const others = registry.partners.length - 1;
    const audits = decisionAudits(
      await consumeUntil(
        kafka,
        scenario.topics.audit,
        (read) => decisionAudits(read).length >= others,
      ),
    );

    expect(delivery!.headers['content-type']).toBe('application/pgp-encrypted');
    expect(document.messageId).toBe(submission.id);
    // One decision per other partner; the aborted attempts left none behind.
    expect(new Set(audits.map((audit) => audit.recipient)).size).toBe(others);
  });
});
