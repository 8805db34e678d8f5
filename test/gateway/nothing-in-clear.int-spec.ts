import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { AccessRequests } from '../../apps/cli/src/audit/access-requests';
import { subjectQuery } from '../../apps/cli/src/audit/who-received';
import { HubSecret, keyFiles } from '@samenloop/crypto';
import { ensureTopics } from '@samenloop/messaging';
import { DeliveryWatcher } from '../support/delivery-watcher';
import { GatewayProcess } from '../support/gateway-process';
import { newGatewayScenario, type GatewayScenario } from '../support/gateway-scenario';
import {
  clientSettingsFromEnvironment,
  consumeUntil,
  produce,
  testKafka,
} from '../support/kafka-test-kit';
import { ROOT, policeNumber, registry, submissionFrom } from '../support/partner-kit';
import { runningHub } from '../support/running-hub';
import { dumpTopics, findValues } from '../support/topic-dump';

const ZORGMELDING = 'zorgmelding/examples/valid/partnergeweld-met-kinderen.json';
const AFSLUITING = 'zaakafsluiting/examples/valid/vt-zob-veiligheid-hersteld-na-monitoring.json';
const DAY = 24 * 3_600_000;

/** Fields of a submission's payload that hold personal data or a person's story. */
const PERSONAL_FIELDS = new Set([
  'bsn',
  'voornamen',
  'achternaam',
  'naam',
  'geboortedatum',
  'straat',
  'postcode',
  'telefoonnummer',
  'email',
  'omschrijving',
  'omschrijvingGeweld',
  'krachten',
  'betrokkenHulpverlening',
  'vraagAanOverleg',
  'toelichting',
  'relevantePolitiegegevens',
  'vervolgafspraken',
  'samenvatting',
  'vermoeden',
  'rolMelder',
  'context',
  'bevindingen',
  'feit',
  'afdoening',
]);
/** A code such as a zaakfeiten-correctie's `feit: huiselijkGeweld` names a fact, not a person. */
const ENUM = /^[a-z]+[A-Z][A-Za-z]*$/;
/** Long free text is also looked for by its start: a copy may be cut. */
const TEXT_PREFIX = 24;

interface Submission {
  readonly id: string;
  readonly source: string;
  readonly data: { readonly zaakReferenties?: Record<string, string>; readonly payload: unknown };
}

/** The demo case, then every valid example submission of every message type partners send. */
function fixtureSubmissions(): Submission[] {
  const read = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Submission;
  const demo = readdirSync(path.join(ROOT, 'deploy/demo'))
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => read(path.join(ROOT, 'deploy/demo', name)));
  const examples = readdirSync(path.join(ROOT, 'schemas')).flatMap((type) => {
    const folder = path.join(ROOT, 'schemas', type, 'examples/valid');
    try {
      return readdirSync(folder)
        .sort()
        .map((name) => read(path.join(folder, name)));
    } catch {
      return [];
    }
  });
  // Examples from partners of other regions are not this region's to send.
  return [...demo, ...examples.filter((example) => 'specversion' in example)].filter(
    (submission) => registry.bySource(submission.source) !== undefined,
  );
}

/** Every personal value in the submissions, with the field it came from (what a failure names). */
function personalValues(submissions: readonly Submission[]): Map<string, string> {
  const values = new Map<string, string>();
  const add = (value: string, field: string) => {
    values.set(value, field);
    if (value.length > TEXT_PREFIX) values.set(value.slice(0, TEXT_PREFIX), `${field} (start)`);
  };
  const walk = (node: unknown, field: string): void => {
    if (Array.isArray(node)) for (const item of node) walk(item, field);
    else if (node && typeof node === 'object')
      for (const [name, child] of Object.entries(node)) walk(child, name);
    else if (typeof node === 'string' && PERSONAL_FIELDS.has(field) && !ENUM.test(node))
      add(node, field);
  };
  for (const submission of submissions) {
    walk(submission.data.payload, '');
    for (const [kind, reference] of Object.entries(submission.data.zaakReferenties ?? {}))
      add(reference, `case reference ${kind}`);
  }
  return values;
}

/**
 * On a real broker: after the demo case and every example submission — routed,
 * rejected, parked, answered — no topic the hub writes or reads holds a fixture's personal value
 * in any key, value or header, and the case state keeps only ids, pseudonyms and sealed values,
 * forgetting a closed case after its retention.
 */
describe('nothing in clear at rest', () => {
  const kafka = testKafka();
  const running = runningHub();

  it('leaves no BSN, name, street, phone, free text or case reference of the fixtures on any topic', async () => {
    running.scenario = await newGatewayScenario(kafka);
    const partnerIds = registry.partners.map((partner) => partner.id);
    running.watcher = await DeliveryWatcher.start(kafka, running.scenario, partnerIds);
    running.gateway = await running.scenario.startGateway();
    const submissions = fixtureSubmissions();
    // And one the hub must park: a household in a municipality no VT of the region serves.
    const unserved = submissionFrom(ZORGMELDING, {
      sender: 'POLITIE-OB',
      zaakReferenties: { politieRegistratienummer: policeNumber() },
      payload: { '/huishouden/adres/gemeentecode': 'GM0363' },
    }) as unknown as Submission;
    const all = [...submissions, unserved];
    expect(submissions.length).toBeGreaterThan(30);

    // One at a time, each answered before the next: the demo's threads build up in order.
    for (const submission of all) {
      const sender = registry.bySource(submission.source);
      if (!sender) throw new Error(`${submission.id}: its source names no partner`);
      const reference = Object.values(submission.data.zaakReferenties ?? {})[0] ?? submission.id;
      await produce(kafka, running.scenario.topics.inbound(sender.id), [
        await running.scenario.partners.sealed(sender.id, submission, reference),
      ]);
      await running.watcher.answerTo(sender.id, submission.id);
    }
    // The clock raises whatever alarms came due, with alerts of their own.
    await running.scenario.tick(new Date(Date.now() + 2 * DAY));
    // An operator answers an access request about a person of the demo: the query is audited.
    const demoBsn = JSON.stringify(submissions[0]).match(/"bsn":"(\d{9})"/)?.[1];
    expect(demoBsn).toBeDefined();
    const found = await new AccessRequests({
      ...clientSettingsFromEnvironment(),
      keysDirectory: running.scenario.partners.keysDirectory,
      topicNamespace: running.scenario.settings.SAMENLOOP_TOPIC_NAMESPACE!,
    }).whoReceived(subjectQuery({ bsn: demoBsn, purpose: 'AVG-verzoek 2026-0099' }), 'operator-1', {
      idleMs: 2_000,
      maxMs: 60_000,
    });
    expect(found.deliveries.length).toBeGreaterThan(0);
    await consumeUntil(kafka, running.scenario.topics.audit, (records) =>
      records.some((record) => record.value?.includes('"access-query"')),
    );
    const answers = partnerIds.flatMap((id) => running.watcher!.all(id)).map((entry) => entry.type);
    await running.watcher.stop();
    running.watcher = undefined;

    const { topics, records } = await dumpTopics(
      kafka,
      `${running.scenario.settings.SAMENLOOP_TOPIC_NAMESPACE}.`,
    );
    const values = personalValues(all);
    expect(values.size).toBeGreaterThan(200);
    expect(findValues(records, values)).toEqual([]);
    // The dump covers what the hub wrote: answers of every kind, audit, case state, parked,
    // dead letters — not an empty run.
    expect(new Set(answers)).toEqual(new Set(['delivery', 'receipt', 'rejection']));
    const countOn = (topic: string) => records.filter((record) => record.topic === topic).length;
    const names = running.scenario.topics;
    expect(topics).toEqual(expect.arrayContaining([names.audit, names.caseState, names.parked]));
    for (const topic of [
      names.audit,
      names.caseState,
      names.parked,
      names.deadLetter,
      names.hubEvents,
    ])
      expect(countOn(topic)).toBeGreaterThan(0);
  });

  it('keeps the case state as ids, pseudonyms and sealed values, and forgets a closed case after its retention', async () => {
    running.scenario = await newGatewayScenario(kafka, {
      SAMENLOOP_RETENTION_CLOSED_CASES_DAYS: '30',
    });
    running.watcher = await DeliveryWatcher.start(kafka, running.scenario, [
      'VT-ZOB',
      'POLITIE-OB',
    ]);
    running.gateway = await running.scenario.startGateway();
    const police = policeNumber();
    /** Waits until the gateway has committed `ticks` clock records: handled, not only written. */
    const clockHandled = async (ticks: number) => {
      const admin = kafka.admin();
      await admin.connect();
      try {
        for (const started = Date.now(); Date.now() - started < 60_000;) {
          const [offsets] = await admin.fetchOffsets({
            groupId: running.scenario.group,
            topics: [running.scenario.topics.clock],
          });
          if (offsets?.partitions.some((partition) => Number(partition.offset) >= ticks)) return;
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
        throw new Error(`the gateway did not handle ${ticks} clock ticks within 60 s`);
      } finally {
        await admin.disconnect();
      }
    };
    const send = async (sender: string, fixture: string) => {
      const submission = submissionFrom(fixture, {
        sender,
        zaakReferenties: { politieRegistratienummer: police },
      });
      await produce(kafka, running.scenario.topics.inbound(sender), [
        await running.scenario.partners.sealed(sender, submission, police),
      ]);
      return submission.id;
    };
    const first = await send('POLITIE-OB', ZORGMELDING);
    const delivered = await running.watcher.until(
      () => running.watcher!.deliveries('VT-ZOB', 'zorgmelding').find((d) => d.messageId === first),
      'the zorgmelding at VT-ZOB',
    );
    const caseKey = delivered.caseThread!.caseKey;
    const closing = await send('VT-ZOB', AFSLUITING);
    const closed = await running.watcher.answerTo('VT-ZOB', closing);
    expect(closed.type).toBe('receipt');

    const state = await consumeUntil(kafka, running.scenario.topics.caseState, (records) =>
      records.some((record) => record.key === `msg:${closing}`),
    );
    // The gateway's restore marks how far it read with a marker record: an id and no value.
    const markers = state.filter((record) => record.key?.startsWith('marker:'));
    for (const marker of markers) expect(marker.value ?? '').toBe('');
    for (const record of state.filter((entry) => !markers.includes(entry))) {
      expect(record.key).toMatch(/^(case:case-[0-9a-f-]{36}|ref:[\w-]{43}|msg:[0-9a-f-]{36})$/);
      expect(record.value).toMatch(/^s1\.[\w-]+\.[\w-]+\.[\w-]+$/);
      expect(`${record.key}${record.value}`).not.toContain(police);
    }
    // One reference, stored by its pseudonym (rewritten with each message of the case).
    expect(
      new Set(state.filter((record) => record.key?.startsWith('ref:')).map((record) => record.key))
        .size,
    ).toBe(1);

    const tick = (days: number) => running.scenario.tick(new Date(Date.now() + days * DAY));
    const keysOfCase = [
      ...new Set(state.filter((record) => !markers.includes(record)).map((record) => record.key)),
    ];
    // The case, its reference, and the two messages accepted in it.
    expect(keysOfCase).toHaveLength(4);
    const latestOf = (records: readonly { key: string | null; value: string | null }[]) =>
      new Map(records.map((record) => [record.key, record.value]));
    // A tick 29 days on keeps the closed case: a zorgmelding naming it is refused as too late.
    await tick(29);
    await clockHandled(1);
    const tooLate = await send('POLITIE-OB', ZORGMELDING);
    const refused = await running.watcher.answerTo('POLITIE-OB', tooLate);
    expect(refused.document.errors).toMatchObject([{ code: 'invalid-stage-transition' }]);

    // One past its 30 days forgets it: every key of the case is tombstoned.
    await tick(31);
    await clockHandled(2);
    const forgotten = await consumeUntil(kafka, running.scenario.topics.caseState, (records) => {
      const latest = latestOf(records);
      return keysOfCase.every((key) => latest.get(key) === null);
    });
    expect(latestOf(forgotten).get(`case:${caseKey}`)).toBeNull();

    // The same reference now opens a new case.
    const again = await send('POLITIE-OB', ZORGMELDING);
    const reopened = await running.watcher.until(
      () => running.watcher!.deliveries('VT-ZOB', 'zorgmelding').find((d) => d.messageId === again),
      'the second zorgmelding at VT-ZOB',
    );
    expect(reopened.caseThread!.caseKey).not.toBe(caseKey);
  });
});

describe('a case state written before sealing, or under another secret', () => {
  const kafka = testKafka();
  const running = runningHub();

  /** What an earlier version of the hub wrote: references and facts in clear. */
  const writeClearState = async (scenario: GatewayScenario) => {
    const police = policeNumber();
    const reference = `politieRegistratienummer:${police}`;
    const caseKey = `case-${randomUUID()}`;
    const earlier = randomUUID();
    await ensureTopics(kafka, [
      {
        topic: scenario.topics.caseState,
        numPartitions: 1,
        configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
      },
    ]);
    await produce(kafka, scenario.topics.caseState, [
      {
        key: `case:${caseKey}`,
        value: JSON.stringify({
          caseKey,
          stage: 'melding',
          references: [reference],
          facts: { domesticViolence: true, gemeentecodes: ['GM0772'] },
          deliveries: {},
        }),
      },
      { key: `ref:${reference}`, value: caseKey },
      { key: `msg:${earlier}`, value: caseKey },
    ]);
    return { police, reference, caseKey, earlier };
  };

  /** A zorgmelding naming `police`, as delivered to VT-ZOB. */
  const zorgmeldingAtVt = async (scenario: GatewayScenario, police: string) => {
    const submission = submissionFrom(ZORGMELDING, {
      sender: 'POLITIE-OB',
      zaakReferenties: { politieRegistratienummer: police },
    });
    await produce(kafka, scenario.topics.inbound('POLITIE-OB'), [
      await scenario.partners.sealed('POLITIE-OB', submission, police),
    ]);
    return running.watcher!.until(
      () =>
        running
          .watcher!.deliveries('VT-ZOB', 'zorgmelding')
          .find((d) => d.messageId === submission.id),
      'the zorgmelding at VT-ZOB',
    );
  };

  it('is skipped with an alert when the one-shot migration is off: anyone could have written it', async () => {
    const scenario = await newGatewayScenario(kafka);
    const { police, caseKey } = await writeClearState(scenario);
    running.watcher = await DeliveryWatcher.start(kafka, scenario, ['VT-ZOB']);
    running.gateway = await scenario.startGateway();

    const delivered = await zorgmeldingAtVt(scenario, police);

    // The clear state was not applied: the reference opened a case of its own.
    expect(delivered.caseThread?.caseKey).not.toBe(caseKey);
    expect(running.gateway.logs).toContain('"alert":"case-state-record-skipped"');
    expect(running.gateway.logs).toContain('SAMENLOOP_MIGRATE_CLEAR_CASE_STATE=true');
    expect(running.gateway.logs).not.toContain(police);
  });

  it('is read as it was, rewritten sealed and its clear references tombstoned, when the one-shot migration is on', async () => {
    const scenario = await newGatewayScenario(kafka, {
      SAMENLOOP_MIGRATE_CLEAR_CASE_STATE: 'true',
    });
    const { police, reference, caseKey, earlier } = await writeClearState(scenario);
    running.watcher = await DeliveryWatcher.start(kafka, scenario, ['VT-ZOB']);
    running.gateway = await scenario.startGateway();

    const delivered = await zorgmeldingAtVt(scenario, police);
    // The reference still finds its case: nothing of the old state was lost.
    expect(delivered.caseThread?.caseKey).toBe(caseKey);

    const state = await consumeUntil(kafka, scenario.topics.caseState, (records) =>
      records.some((record) => record.key === `msg:${String(delivered.messageId)}`),
    );
    const latest = new Map(state.map((record) => [record.key, record.value]));
    expect(latest.get(`ref:${reference}`)).toBeNull();
    for (const key of [`case:${caseKey}`, `msg:${earlier}`])
      expect(latest.get(key)).toMatch(/^s1\./);
    const rewritten = state.slice(3).filter((record) => !record.key?.startsWith('marker:'));
    expect(rewritten.length).toBeGreaterThan(3);
    for (const record of rewritten.filter((entry) => entry.value !== null))
      expect(`${record.key}${record.value}`).not.toContain(police);
  });

  it('stops the gateway from starting when it does not open with the hub secret', async () => {
    const scenario = await newGatewayScenario(kafka);
    running.gateway = await scenario.startGateway();
    const police = policeNumber();
    const submission = submissionFrom(ZORGMELDING, {
      sender: 'POLITIE-OB',
      zaakReferenties: { politieRegistratienummer: police },
    });
    await produce(kafka, scenario.topics.inbound('POLITIE-OB'), [
      await scenario.partners.sealed('POLITIE-OB', submission, police),
    ]);
    await consumeUntil(kafka, scenario.topics.caseState, (records) =>
      records.some((record) => record.key === `msg:${submission.id}`),
    );
    await running.gateway.terminate();

    // The secret is lost and a new one made: the state sealed under the old one does not open.
    const secretFile = keyFiles.hubSecret(scenario.partners.keysDirectory);
    await rm(secretFile);
    await HubSecret.create(secretFile);
    running.gateway = await GatewayProcess.create(scenario.settings);
    await expect(running.gateway.start(30_000)).rejects.toThrow(/exited: true/);
    expect(running.gateway.logs).toContain('does not open with the hub secret');
    expect(running.gateway.logs).not.toContain(police);
  });
});
