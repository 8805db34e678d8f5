import { DeliveryWatcher, type HubDocument } from '../support/delivery-watcher';
import type { GatewayProcess } from '../support/gateway-process';
import { newGatewayScenario, type GatewayScenario } from '../support/gateway-scenario';
import { committedRecordCount, produce, testKafka } from '../support/kafka-test-kit';
import { policeNumber, registry, submissionFrom, zsmCaseId } from '../support/partner-kit';
import { runningHub } from '../support/running-hub';
import { CASE_THREAD_EXAMPLES } from '../support/case-thread-examples';

/**
 * The instance model on a real broker: two gateways in one group, one active and one hot standby,
 * the active SIGKILLed in the middle of a stream of multi-partner case threads. The standby takes
 * over, and what the partners receive is exactly what a single gateway delivers for the same input.
 */
const {
  entry: ENTRY,
  zorgmelding: ZORGMELDING,
  beoordeling: BEOORDELING,
  afdoening: AFDOENING,
} = CASE_THREAD_EXAMPLES;
const CASES = 40;
/** The wave in whose middle the active gateway is killed: the zorgmeldingen. */
const KILL_WAVE = 1;

interface Submission {
  readonly sender: string;
  readonly submission: { id: string };
  readonly key: string;
}

/**
 * Each case's messages in the order the chain sends them, one wave per step: a wave goes out only
 * once every message of the one before is answered, so each case's thread is built in the same
 * order however the gateways interleave cases (the answer to a message depends on what its case
 * had before it).
 */
function caseThreadWaves(): Submission[][] {
  const cases = Array.from({ length: CASES }, () => ({ police: policeNumber(), zsm: zsmCaseId() }));
  return [
    cases.map(({ police, zsm }) => ({
      sender: 'POLITIE-OB',
      key: police,
      submission: submissionFrom(ENTRY, {
        sender: 'POLITIE-OB',
        zaakReferenties: { politieRegistratienummer: police, zsmZaakId: zsm },
        payload: { '/zsmZaakId': zsm },
      }),
    })),
    cases.map(({ police }) => ({
      sender: 'POLITIE-OB',
      key: police,
      submission: submissionFrom(ZORGMELDING, {
        sender: 'POLITIE-OB',
        zaakReferenties: { politieRegistratienummer: police },
      }),
    })),
    cases.map(({ zsm }) => ({
      sender: 'VT-ZOB',
      key: zsm,
      submission: submissionFrom(BEOORDELING, {
        sender: 'VT-ZOB',
        zaakReferenties: { zsmZaakId: zsm },
      }),
    })),
    cases.map(({ zsm }) => ({
      sender: 'OM',
      key: zsm,
      submission: submissionFrom(AFDOENING, {
        sender: 'OM',
        zaakReferenties: { zsmZaakId: zsm },
        payload: { '/zsmZaakId': zsm },
      }),
    })),
  ];
}

const PARTNERS = registry.partners.map((partner) => partner.id);

function answersTo(watcher: DeliveryWatcher, { sender, submission }: Submission): HubDocument[] {
  return watcher
    .all(sender)
    .filter((entry) => entry.type !== 'delivery' && entry.document.messageId === submission.id);
}

/** Whether every delivery a receipt names has reached its recipient's watcher. */
function allDelivered(watcher: DeliveryWatcher): true | undefined {
  const receipts = PARTNERS.flatMap((partner) =>
    watcher.all(partner).filter((entry) => entry.type === 'receipt'),
  );
  const named = receipts.flatMap(
    ({ document }) => (document.deliveredTo ?? []) as { recipient: string; deliveryId: string }[],
  );
  return named.every(({ recipient, deliveryId }) =>
    watcher.all(recipient).some((entry) => entry.document.deliveryId === deliveryId),
  )
    ? true
    : undefined;
}

/** What differs between two hubs for the same input, however correct both are: ids and times they make up. */
const HUB_MADE = new Set(['receiptId', 'acceptedAt', 'deliveredAt']);

/**
 * Everything the partners received, comparable between two hubs: delivery ids and case keys are
 * random per hub, so a delivery is named by its recipient and message, a case by the first
 * message (in sending order) delivered in it; receipt ids and times are left out.
 */
function received(watcher: DeliveryWatcher, waves: readonly Submission[][]) {
  const order = new Map(waves.flat().map(({ submission }, index) => [submission.id, index]));
  const all = PARTNERS.flatMap((partner) =>
    watcher.all(partner).map((entry) => ({ partner, ...entry })),
  );
  const deliveryName = new Map<unknown, string>();
  const caseFirst = new Map<unknown, number>();
  for (const { partner, type, document } of all) {
    if (type !== 'delivery') continue;
    deliveryName.set(document.deliveryId, `${partner}/${String(document.messageId)}`);
    const caseKey = document.caseThread?.caseKey;
    const index = order.get(String(document.messageId)) ?? Infinity;
    if (caseKey) caseFirst.set(caseKey, Math.min(caseFirst.get(caseKey) ?? index, index));
  }
  const comparable = (value: unknown, key = ''): unknown => {
    if (key === 'deliveryId') return deliveryName.get(value) ?? value;
    if (key === 'relatedDeliveries' && Array.isArray(value))
      return (value as unknown[]).map((id) => deliveryName.get(id) ?? id);
    if (key === 'caseKey') return `case ${caseFirst.get(value) ?? String(value)}`;
    if (Array.isArray(value)) return value.map((item) => comparable(item));
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(
      Object.entries(value)
        .filter(([field]) => !HUB_MADE.has(field))
        .map(([field, item]) => [field, comparable(item, field)]),
    );
  };
  return all
    .map(({ partner, type, document }) => ({
      partner,
      type,
      messageId: String(document.messageId),
      document: comparable(document),
    }))
    .sort((a, b) =>
      `${a.partner}/${a.type}/${a.messageId}`.localeCompare(
        `${b.partner}/${b.type}/${b.messageId}`,
      ),
    );
}

describe('two gateways in one group', () => {
  const kafka = testKafka();
  const reference = runningHub('afterAll');
  const pair = runningHub();
  const waves = caseThreadWaves();

  async function submitWave(scenario: GatewayScenario, wave: readonly Submission[]) {
    const bySender = new Map<
      string,
      Awaited<ReturnType<GatewayScenario['partners']['sealed']>>[]
    >();
    for (const { sender, submission, key } of wave) {
      const records = bySender.get(sender) ?? [];
      records.push(await scenario.partners.sealed(sender, submission, key));
      bySender.set(sender, records);
    }
    for (const [sender, records] of bySender)
      await produce(kafka, scenario.topics.inbound(sender), records);
  }

  async function allAnswered(watcher: DeliveryWatcher, wave: readonly Submission[]) {
    await watcher.until(
      () => (wave.every((sent) => answersTo(watcher, sent).length > 0) ? true : undefined),
      `the answers to ${wave.length} submissions`,
    );
  }

  /** What one gateway delivers for the waves: each pair of gateways must deliver the same. */
  let expected: ReturnType<typeof received>;
  beforeAll(async () => {
    reference.scenario = await newGatewayScenario(kafka);
    reference.watcher = await DeliveryWatcher.start(kafka, reference.scenario, PARTNERS);
    reference.gateway = await reference.scenario.startGateway();
    for (const wave of waves) {
      await submitWave(reference.scenario, wave);
      await allAnswered(reference.watcher, wave);
    }
    const watcher = reference.watcher;
    await watcher.until(() => allDelivered(watcher), 'every delivery the receipts name');
    expected = received(watcher, waves);
  });

  /**
   * Sends the waves to an active gateway and its standby, `strike`s the active in the middle of
   * the kill wave, and returns once the standby has committed its first chunk, how long after
   * the strike (the takeover time), with what the watcher got by the end of the last wave.
   */
  async function strikeMidStream(
    strike: (active: GatewayProcess) => Promise<void>,
    afterTakeover: (active: GatewayProcess, successor: GatewayProcess) => Promise<void>,
  ) {
    pair.scenario = await newGatewayScenario(kafka);
    const { scenario } = pair;
    const watcher = await DeliveryWatcher.start(kafka, scenario, PARTNERS);
    pair.watcher = watcher;
    const active = await scenario.startGateway('gateway-a');
    pair.gateway = active;
    const standby = await scenario.startGateway('gateway-b', 'standby');
    pair.gateway = standby;
    const admin = kafka.admin();
    await admin.connect();
    const groupMembers = async (groupId: string) =>
      (await admin.describeGroups([groupId])).groups[0]!.members.map((member) => member.clientId);

    await submitWave(scenario, waves[0]!);
    // While the active lives the standby waits: healthy, not consuming, not in the group.
    expect(await standby.health()).toEqual({ status: 200, state: 'standby' });
    expect(await active.health()).toEqual({ status: 200, state: 'running' });
    expect(await groupMembers(scenario.group)).toEqual(['samenloop-gateway-a']);
    expect((await groupMembers(`${scenario.group}.lease`)).sort()).toEqual([
      'samenloop-gateway-a',
      'samenloop-gateway-b',
    ]);
    await allAnswered(watcher, waves[0]!);

    // Mid-stream: half the wave sent, the active struck once it has answered some of it.
    const strikeWave = waves[KILL_WAVE]!;
    const half = strikeWave.length / 2;
    await submitWave(scenario, strikeWave.slice(0, half));
    await watcher.until(
      () =>
        strikeWave.slice(0, half).filter((sent) => answersTo(watcher, sent).length > 0).length >= 3
          ? true
          : undefined,
      'the first answers of the wave',
    );
    const struckAt = Date.now();
    await strike(active);
    const inbound = scenario.topics.inbound('POLITIE-OB');
    const committedAtStrike = await committedRecordCount(kafka, scenario.group, inbound);
    await submitWave(scenario, strikeWave.slice(half));
    while ((await committedRecordCount(kafka, scenario.group, inbound)) <= committedAtStrike)
      await new Promise((resolve) => setTimeout(resolve, 20));
    const takeoverMs = Date.now() - struckAt;
    expect(await standby.health()).toEqual({ status: 200, state: 'running' });
    await afterTakeover(active, standby);
    // A woken zombie may have rejoined the group before standing by; it leaves as it stands by.
    const deadline = Date.now() + 30_000;
    while ((await groupMembers(scenario.group)).length > 1 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await groupMembers(scenario.group)).toEqual(['samenloop-gateway-b']);
    await admin.disconnect();
    await allAnswered(watcher, strikeWave);
    for (const wave of waves.slice(KILL_WAVE + 1)) {
      await submitWave(scenario, wave);
      await allAnswered(watcher, wave);
    }
    await watcher.until(() => allDelivered(watcher), 'every delivery the receipts name');
    const actual = received(watcher, waves);
    return {
      takeoverMs,
      actual,
      summary: `${waves.flat().length} submissions in ${CASES} case threads, ${actual.length} documents received (one gateway: ${expected.length}), ${committedAtStrike} of ${waves[0]!.length + strikeWave.length} police records committed at the strike; the standby's first commit ${takeoverMs} ms after it`,
    };
  }

  function expectSameAsOneGateway(watcher: DeliveryWatcher, actual: ReturnType<typeof received>) {
    // Every submission answered once, every delivery once per recipient and message.
    for (const sent of waves.flat()) expect(answersTo(watcher, sent)).toHaveLength(1);
    const names = actual.map((entry) => `${entry.partner}/${entry.type}/${entry.messageId}`);
    expect(new Set(names).size).toBe(names.length);
    expect(actual.filter((entry) => entry.type === 'delivery').length).toBeGreaterThan(
      waves.flat().length,
    );
    // And exactly what the single gateway delivered: payload, level, case thread and all.
    expect(actual).toEqual(expected);
  }

  it('delivers what one gateway delivers, each once, when the active one is killed mid-stream', async () => {
    const { actual, summary } = await strikeMidStream(
      (active) => active.kill(),
      () => Promise.resolve(),
    );
    process.stdout.write(`two gateways, active SIGKILLed: ${summary}\n`);
    expectSameAsOneGateway(pair.watcher!, actual);
  });

  it('sends a paused active back to standby when it wakes after its successor took over, without a repeat', async () => {
    const { actual, summary } = await strikeMidStream(
      (active) => {
        active.pause();
        return Promise.resolve();
      },
      async (zombie, successor) => {
        // The zombie wakes past its session: its lease is gone and its producer fenced, so it
        // commits nothing and stands by instead of fencing its successor in turn.
        zombie.resume();
        await zombie.logged(/"state":"standby"/, zombie.logs.lastIndexOf('"state":"running"'));
        expect(await zombie.health()).toEqual({ status: 200, state: 'standby' });
        const why = /"reason":"([^"]*)"[^\n]*standing by/.exec(zombie.logs)?.[1];
        process.stdout.write(`the woken zombie stood by: ${why}\n`);
        expect(await successor.health()).toEqual({ status: 200, state: 'running' });
      },
    );
    process.stdout.write(`two gateways, active paused (SIGSTOP) and woken: ${summary}\n`);
    expectSameAsOneGateway(pair.watcher!, actual);
  });
});
