import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { zsmDeadline } from '@samenloop/case';
import { ParkedMessages } from '../../apps/cli/src/parked/parked-messages';
import { policyExplain } from '../../apps/cli/src/policy/policy-commands';
import { decisionAudits } from '../support/audit-trail';
import { DeliveryWatcher } from '../support/delivery-watcher';
import { expectExplainAgrees } from '../support/explain-agreement';
import { newGatewayScenario } from '../support/gateway-scenario';
import {
  clientSettingsFromEnvironment,
  consumeUntil,
  produce,
  readToEnd,
  testKafka,
} from '../support/kafka-test-kit';
import { ROOT, policeNumber, registry, submissionFrom, zsmCaseId } from '../support/partner-kit';
import { runningHub } from '../support/running-hub';

const ENTRY = 'verdachtenmonitor-entry/examples/valid/partnergeweld-aangehouden-met-kinderen.json';
const ZORGMELDING = 'zorgmelding/examples/valid/partnergeweld-met-kinderen.json';
const AFDOENING =
  'afdoeningsbeslissing/examples/valid/heenzenden-met-voorwaarden-partnergeweld.json';
const TERUGKOPPELING =
  'terugkoppeling-aan-melder/examples/valid/overgedragen-aan-wijkteam-met-veiligheidsafspraken.json';
const AFSLUITING = 'zaakafsluiting/examples/valid/om-strafrechtelijk-afgedaan-na-vonnis.json';
const MARGIN_MINUTES = 120;
const MINUTE = 60_000;

describe('case threads on a real broker', () => {
  const kafka = testKafka();
  const running = runningHub();

  /** What the test submitted, in order: the case explain --case is asked about. */
  let sent: { id: string }[] = [];

  async function submit(sender: string, submission: { id: string }, key: string): Promise<void> {
    sent.push(submission);
    await produce(kafka, running.scenario.topics.inbound(sender), [
      await running.scenario.partners.sealed(sender, submission, key),
    ]);
  }

  const tick = (now: Date) => running.scenario.tick(now);

  it('keeps threads, stages and pending deadlines through a killed gateway, and follows the case to its end', async () => {
    sent = [];
    running.scenario = await newGatewayScenario(kafka, {
      GATEWAY_ZSM_ALERT_MARGIN_MINUTES: String(MARGIN_MINUTES),
      GATEWAY_ZORGMELDING_WAIT_MINUTES: '5',
    });
    running.watcher = await DeliveryWatcher.start(
      kafka,
      running.scenario,
      registry.partners.map((partner) => partner.id),
    );
    running.gateway = await running.scenario.startGateway();
    const arrestedAt = new Date(Date.now() - 60 * MINUTE);
    const deadline = zsmDeadline(arrestedAt, true);
    // Two domestic-violence cases at ZSM: the first gets its zorgmelding, the second never does.
    const cases = [0, 1].map(() => ({ police: policeNumber(), zsm: zsmCaseId() }));
    for (const { police, zsm } of cases) {
      const entry = submissionFrom(ENTRY, {
        sender: 'POLITIE-OB',
        zaakReferenties: { politieRegistratienummer: police, zsmZaakId: zsm },
        payload: { '/zsmZaakId': zsm, '/aanhouding/tijdstip': arrestedAt.toISOString() },
      });
      await submit('POLITIE-OB', entry, police);
    }
    const entries = await running.watcher.until(() => {
      const received = running.watcher!.deliveries('VT-ZOB', 'verdachtenmonitor-entry');
      return received.length === 2 ? received : undefined;
    }, 'both verdachtenmonitor entries at VT-ZOB');
    const first = entries.find((entry) => entry.payload?.zsmZaakId === cases[0]!.zsm)!;

    // Every hub process restarts in the middle of the case, with its deadlines pending.
    await running.gateway.kill();
    running.gateway = await running.scenario.startGateway();

    const zorgmelding = submissionFrom(ZORGMELDING, {
      sender: 'POLITIE-OB',
      zaakReferenties: { politieRegistratienummer: cases[0]!.police },
    });
    await submit('POLITIE-OB', zorgmelding, cases[0]!.police);
    const late = await running.watcher.until(
      () => running.watcher!.deliveries('VT-ZOB', 'zorgmelding')[0],
      'the zorgmelding at VT-ZOB',
    );
    expect(late.caseThread).toEqual({
      caseKey: first.caseThread!.caseKey,
      fase: 'zsm',
      relatedDeliveries: [first.deliveryId],
    });

    // The clock moves to the alert time: OM and the VT concerned hear of both cases, once.
    await tick(new Date(deadline.getTime() - MARGIN_MINUTES * MINUTE));
    await tick(new Date(Date.now() + 2 * 24 * 60 * MINUTE));
    const zsmAlerts = await running.watcher.until(() => {
      const alerts = running.watcher!.deliveries('OM', 'zsm-termijn-signalering');
      return alerts.length === 2 ? alerts : undefined;
    }, 'two ZSM alerts at OM');
    expect(zsmAlerts.map((alert) => alert.payload?.zsmZaakId).sort()).toEqual(
      cases.map(({ zsm }) => zsm).sort(),
    );
    const missing = await running.watcher.until(
      () => running.watcher!.deliveries('POLITIE-OB', 'zorgmelding-ontbreekt')[0],
      'the missing-zorgmelding alert at POLITIE-OB',
    );
    expect(missing.payload).toMatchObject({
      politieRegistratienummer: cases[1]!.police,
      wachttijdMinuten: 5,
    });
    await running.watcher.until(
      () => running.watcher!.deliveries('VT-ZOB', 'zorgmelding-ontbreekt')[0],
      'the missing-zorgmelding alert at VT-ZOB',
    );

    // VT's feedback to the reporter, the OM's decision back to the chain, then the case closes.
    await submit(
      'VT-ZOB',
      submissionFrom(TERUGKOPPELING, {
        sender: 'VT-ZOB',
        zaakReferenties: { politieRegistratienummer: cases[0]!.police },
      }),
      cases[0]!.police,
    );
    await running.watcher.until(
      () => running.watcher!.deliveries('POLITIE-OB', 'terugkoppeling-aan-melder')[0],
      'the feedback at POLITIE-OB',
    );
    await submit(
      'OM',
      submissionFrom(AFDOENING, {
        sender: 'OM',
        zaakReferenties: { zsmZaakId: cases[0]!.zsm },
        payload: { '/zsmZaakId': cases[0]!.zsm },
      }),
      cases[0]!.zsm,
    );
    for (const partner of ['VT-ZOB', '3RO', 'RVDK'])
      await running.watcher.until(
        () => running.watcher!.deliveries(partner, 'afdoeningsbeslissing')[0],
        `the afdoeningsbeslissing at ${partner}`,
      );
    await submit(
      'OM',
      submissionFrom(AFSLUITING, {
        sender: 'OM',
        zaakReferenties: { zsmZaakId: cases[0]!.zsm },
      }),
      cases[0]!.zsm,
    );
    const closed = await running.watcher.until(
      () => running.watcher!.deliveries('VT-ZOB', 'zaakafsluiting')[0],
      'the closure at VT-ZOB',
    );
    expect(closed.caseThread?.fase).toBe('gesloten');
    const tooLate = submissionFrom(ZORGMELDING, {
      sender: 'POLITIE-OB',
      zaakReferenties: { politieRegistratienummer: cases[0]!.police },
    });
    await submit('POLITIE-OB', tooLate, cases[0]!.police);
    const rejection = await running.watcher.until(
      () =>
        running
          .watcher!.all('POLITIE-OB')
          .find((entry) => entry.type === 'rejection' && entry.document.messageId === tooLate.id),
      'the rejection of a zorgmelding in a closed case',
    );
    expect(rejection.document.errors).toMatchObject([{ code: 'invalid-stage-transition' }]);
    expect(running.watcher.deliveries('VT-ZOB', 'zorgmelding')).toHaveLength(1);
    // Each alert went out once, even with two ticks and a restart.
    expect(running.watcher.deliveries('VT-ZOB', 'zsm-termijn-signalering')).toHaveLength(2);
    expect(running.watcher.deliveries('POLITIE-OB', 'zorgmelding-ontbreekt')).toHaveLength(1);
    // policy explain --case answers as the gateway decided, for every partner of every message
    // it routed (the late zorgmelding was rejected, so nothing was decided for it).
    const decisions = decisionAudits(await readToEnd(kafka, running.scenario.topics.audit));
    expect(expectExplainAgrees(sent, decisions)).toBe(6 * (registry.partners.length - 1));
  });

  it('parks a message for a municipality no VT serves, and routes it once the registry knows one', async () => {
    running.scenario = await newGatewayScenario(kafka);
    running.watcher = await DeliveryWatcher.start(kafka, running.scenario, [
      'POLITIE-OB',
      'VT-ZOB',
      'SAMENLOOP-BEHEER',
    ]);
    running.gateway = await running.scenario.startGateway();
    const police = policeNumber();
    const zorgmelding = submissionFrom(ZORGMELDING, {
      sender: 'POLITIE-OB',
      zaakReferenties: { politieRegistratienummer: police },
      payload: { '/huishouden/adres/gemeentecode': 'GM0999' },
    });
    await submit('POLITIE-OB', zorgmelding, police);

    const alert = await running.watcher.until(
      () => running.watcher!.deliveries('SAMENLOOP-BEHEER', 'routering-geparkeerd')[0],
      'the parking alert at the operator',
    );
    expect(alert.payload).toMatchObject({
      messageId: zorgmelding.id,
      reden: 'gemeente-onbekend',
      gemeentecode: 'GM0999',
    });
    const receipt = await running.watcher.until(
      () => running.watcher!.all('POLITIE-OB').find((entry) => entry.type === 'receipt'),
      'the receipt at POLITIE-OB',
    );
    expect(receipt.document).toMatchObject({ geparkeerd: { reden: 'gemeente-onbekend' } });
    const operator = new ParkedMessages({
      ...clientSettingsFromEnvironment(),
      keysDirectory: running.scenario.partners.keysDirectory,
      topicNamespace: running.scenario.settings.SAMENLOOP_TOPIC_NAMESPACE!,
    });
    expect(await operator.list({ idleMs: 1_000, maxMs: 30_000 })).toMatchObject([
      { messageId: zorgmelding.id, sender: 'POLITIE-OB', reason: 'gemeente-onbekend' },
    ]);
    expect(running.watcher.deliveries('VT-ZOB', 'zorgmelding')).toEqual([]);

    // The registry learns which VT serves the municipality; the operator releases the message.
    await running.gateway.terminate();
    const directory = mkdtempSync(path.join(tmpdir(), 'samenloop-partners-'));
    const partnersFile = path.join(directory, 'partners.yaml');
    copyFileSync(path.join(ROOT, 'deploy/partners/oost-brabant.yaml'), partnersFile);
    writeFileSync(
      partnersFile,
      readFileSync(partnersFile, 'utf8').replace(
        'gemeenten: [GM0772, GM0794, GM0861]',
        'gemeenten: [GM0772, GM0794, GM0861, GM0999]',
      ),
    );
    running.scenario.settings.SAMENLOOP_PARTNERS_FILE = partnersFile;
    running.gateway = await running.scenario.startGateway();
    await operator.release(zorgmelding.id, { idleMs: 1_000, maxMs: 30_000 });

    const delivered = await running.watcher.until(
      () => running.watcher!.deliveries('VT-ZOB', 'zorgmelding')[0],
      'the released zorgmelding at VT-ZOB',
    );
    expect(delivered.messageId).toBe(zorgmelding.id);
    const parked = await consumeUntil(
      kafka,
      running.scenario.topics.parked,
      (read) => read.length >= 1,
    );
    expect(parked).toHaveLength(1);
  });

  it('routes an entry without the household to OM, RVDK and 3RO at once, and its held part to VT-ZOB alone once the operator releases it', async () => {
    running.scenario = await newGatewayScenario(kafka);
    running.watcher = await DeliveryWatcher.start(
      kafka,
      running.scenario,
      registry.partners.map((partner) => partner.id),
    );
    running.gateway = await running.scenario.startGateway();
    const police = policeNumber();
    const zsm = zsmCaseId();
    const entry = submissionFrom(ENTRY, {
      sender: 'POLITIE-OB',
      zaakReferenties: { politieRegistratienummer: police, zsmZaakId: zsm },
      payload: { '/zsmZaakId': zsm, '/huishouden': undefined },
    });
    await submit('POLITIE-OB', entry, police);

    // OM's 9 hours do not wait for the VT question: the others have the entry at once.
    for (const partner of ['OM', 'RVDK', '3RO'])
      await running.watcher.until(
        () => running.watcher!.deliveries(partner, 'verdachtenmonitor-entry')[0],
        `the entry at ${partner}`,
      );
    const receipt = await running.watcher.until(
      () => running.watcher!.all('POLITIE-OB').find((answer) => answer.type === 'receipt'),
      'the receipt at POLITIE-OB',
    );
    expect(receipt.document).toMatchObject({
      messageId: entry.id,
      fase: 'zsm',
      geparkeerd: { reden: 'gemeente-ontbreekt', deel: 'veilig-thuis' },
    });
    expect(
      (receipt.document.deliveredTo as { recipient: string }[]).map((item) => item.recipient),
    ).toEqual(['OM', 'RVDK', '3RO']);
    const parkingAlert = await running.watcher.until(
      () => running.watcher!.deliveries('SAMENLOOP-BEHEER', 'routering-geparkeerd')[0],
      'the parking alert at the operator',
    );
    expect(parkingAlert.payload).toMatchObject({
      messageId: entry.id,
      reden: 'gemeente-ontbreekt',
    });
    const operator = new ParkedMessages({
      ...clientSettingsFromEnvironment(),
      keysDirectory: running.scenario.partners.keysDirectory,
      topicNamespace: running.scenario.settings.SAMENLOOP_TOPIC_NAMESPACE!,
    });
    expect(await operator.list({ idleMs: 1_000, maxMs: 30_000 })).toMatchObject([
      { messageId: entry.id, scope: 'vt', caseKey: receipt.document.caseKey },
    ]);

    // The police's zorgmelding names the household: the operator hears it can release the entry.
    const zorgmelding = submissionFrom(ZORGMELDING, {
      sender: 'POLITIE-OB',
      zaakReferenties: { politieRegistratienummer: police },
    });
    await submit('POLITIE-OB', zorgmelding, police);
    const named = await running.watcher.until(
      () => running.watcher!.deliveries('SAMENLOOP-BEHEER', 'koppeling-conflict')[0],
      'the alert that the household is known now',
    );
    expect(named.payload).toMatchObject({
      messageId: zorgmelding.id,
      caseKey: receipt.document.caseKey,
      nieuweGemeentecodes: ['GM0772'],
    });

    await operator.release(entry.id, { idleMs: 1_000, maxMs: 30_000 });

    const released = await running.watcher.until(
      () => running.watcher!.deliveries('VT-ZOB', 'verdachtenmonitor-entry')[0],
      'the released entry at VT-ZOB',
    );
    const [zorgmeldingAtVt] = running.watcher.deliveries('VT-ZOB', 'zorgmelding');
    expect(released).toMatchObject({
      messageId: entry.id,
      caseThread: {
        caseKey: receipt.document.caseKey,
        fase: 'zsm',
        relatedDeliveries: [zorgmeldingAtVt!.deliveryId],
      },
    });

    // Released twice: a duplicate.
    await operator.release(entry.id, { idleMs: 1_000, maxMs: 30_000 });
    const duplicate = await running.watcher.until(
      () =>
        running
          .watcher!.all('POLITIE-OB')
          .find((answer) => answer.type === 'rejection' && answer.document.messageId === entry.id),
      'the rejection of the second release',
    );
    expect(duplicate.document.errors).toMatchObject([{ code: 'duplicate' }]);

    // The audit trail: each partner received the entry once, VT-ZOB by the release alone.
    const decisions = decisionAudits(await readToEnd(kafka, running.scenario.topics.audit));
    const ofEntry = decisions.filter((audit) => audit.messageId === entry.id);
    const atFirst = ofEntry.slice(0, registry.partners.length - 1);
    const atRelease = ofEntry.slice(registry.partners.length - 1);
    const receivers = (audits: typeof decisions) =>
      audits
        .filter((audit) => audit.deliveryId !== null)
        .map((audit) => audit.recipient)
        .sort();
    expect(receivers(atFirst)).toEqual(['3RO', 'OM', 'RVDK']);
    expect(atRelease.map(({ recipient, level }) => ({ recipient, level }))).toEqual([
      { recipient: 'VT-BNO', level: 'geen' },
      { recipient: 'VT-ZOB', level: 'inhoud' },
    ]);
    for (const partner of ['OM', 'RVDK', '3RO', 'VT-ZOB'])
      expect(running.watcher.deliveries(partner, 'verdachtenmonitor-entry')).toHaveLength(1);
    expect(running.watcher.deliveries('VT-BNO', 'verdachtenmonitor-entry')).toEqual([]);

    // policy explain --case answers as the gateway did: at first, and for the release.
    const zorgmeldingDecisions = decisions.filter((audit) => audit.messageId === zorgmelding.id);
    expect(expectExplainAgrees([entry, zorgmelding], [...atFirst, ...zorgmeldingDecisions])).toBe(
      2 * (registry.partners.length - 1),
    );
    const directory = mkdtempSync(path.join(tmpdir(), 'samenloop-held-'));
    const [entryFile, zorgmeldingFile] = [entry, zorgmelding].map((submission, index) => {
      const file = path.join(directory, `${index}.json`);
      writeFileSync(file, JSON.stringify(submission));
      return file;
    });
    expect(
      policyExplain(path.join(ROOT, 'deploy'), entryFile!, 'VT-ZOB', { case: [] }).lines,
    ).toContainEqual(
      expect.stringMatching(/^the part for Veilig Thuis is held \(gemeente-ontbreekt\)/),
    );
    for (const audit of atRelease) {
      const explained = policyExplain(path.join(ROOT, 'deploy'), entryFile!, audit.recipient, {
        case: [entryFile!, zorgmeldingFile!],
      });
      expect(explained.lines).toContainEqual(
        expect.stringMatching(/^released: the held part for Veilig Thuis/),
      );
      expect(explained.lines.find((line) => line.startsWith('nl.samenloop.'))).toMatch(
        new RegExp(`to ${audit.recipient} at stage zsm: ${audit.level}`),
      );
      expect(
        explained.lines
          .filter((line) => line.startsWith('  deliver '))
          .map((line) => line.split(/\s+/)[2])
          .sort(),
      ).toEqual([...audit.deliveredFields].sort());
    }
  });
});
