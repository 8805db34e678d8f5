import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Partitioners } from 'kafkajs';
import { AUDIT_CHAIN_HEADERS, chainHash, type PartitionVerification } from '@samenloop/audit';
import { RECORD_MAC_HEADER } from '@samenloop/crypto';
import {
  DEAD_LETTER_HEADERS,
  hubEventRecord,
  keyPartition,
  partitionOffsets,
  type PartitionOffsets,
} from '@samenloop/messaging';
import { verifyAuditTopic } from '../../apps/cli/src/audit/audit-verification';
import { readAuditChainHeads } from '../../apps/gateway/src/audit/audit-chain-heads.reader';
import { POLICY_VERSIONS_KEY } from '../../apps/gateway/src/policy/policy-events';
import { decisionAudits } from '../support/audit-trail';
import { runCli, type CliRun } from '../support/cli-process';
import { newGatewayScenario } from '../support/gateway-scenario';
import {
  brokersFromEnvironment,
  consumeUntil,
  createTopics,
  produce,
  testKafka,
  type ConsumedRecord,
} from '../support/kafka-test-kit';
import { policeNumber, registry, submissionFrom } from '../support/partner-kit';
import { copyPolicyFolder, grantAllPolicy } from '../support/policy-folder';
import { runningHub } from '../support/running-hub';

/** One decision audit record per partner other than the sender. */
const AUDITS_PER_MESSAGE = registry.partners.length - 1;
const ZORGMELDINGEN = 120;

const kindOf = (record: ConsumedRecord) =>
  (JSON.parse(record.value ?? '{}') as { kind?: string }).kind;

/** `samenloop audit verify` as an operator runs it: its output and exit code. */
async function runAuditVerify(
  namespace: string,
  topic?: string,
): Promise<Pick<CliRun, 'code' | 'stdout'>> {
  const { code, stdout } = await runCli(['audit', 'verify', ...(topic ? ['--topic', topic] : [])], {
    KAFKA_BROKERS: brokersFromEnvironment().join(','),
    SAMENLOOP_TOPIC_NAMESPACE: namespace,
  });
  return { code, stdout };
}

/**
 * The audit on the real broker: the gateway is its single writer and chains every record per
 * partition, through a policy reload and a gateway killed mid-stream; `audit verify` finds the
 * chain intact, and finds the first break of a record altered in a copy or forged into the topic.
 */
describe('tamper-evident audit', () => {
  const kafka = testKafka();
  const folder = copyPolicyFolder();
  const policyFile = path.join(folder.directory, 'oost-brabant.yaml');
  const originalPolicy = readFileSync(policyFile, 'utf8');
  const running = runningHub('afterAll');
  let namespace: string;
  /** Everything the gateway audited by the end of the first test. */
  let audited: ConsumedRecord[];

  beforeAll(async () => {
    running.scenario = await newGatewayScenario(kafka, { SAMENLOOP_POLICY_DIR: folder.directory });
    namespace = running.scenario.settings.SAMENLOOP_TOPIC_NAMESPACE!;
  });

  async function submitZorgmeldingen(count: number): Promise<string[]> {
    const submissions = Array.from({ length: count }, () => {
      const nummer = policeNumber();
      return {
        nummer,
        submission: submissionFrom('zorgmelding/examples/valid/partnergeweld-met-kinderen.json', {
          sender: 'POLITIE-OB',
          zaakReferenties: { politieRegistratienummer: nummer },
        }),
      };
    });
    await produce(
      kafka,
      running.scenario.topics.inbound('POLITIE-OB'),
      await Promise.all(
        submissions.map(({ nummer, submission }) =>
          running.scenario.partners.sealed('POLITIE-OB', submission, nummer),
        ),
      ),
    );
    return submissions.map(({ submission }) => submission.id);
  }

  const chained = (results: readonly PartitionVerification[]) =>
    results.reduce((sum, result) => sum + result.verified, 0);

  it('chains every audit record through a policy reload and a killed gateway, and verify finds it intact', async () => {
    running.gateway = await running.scenario.startGateway();
    const sent = new Set(await submitZorgmeldingen(ZORGMELDINGEN));
    const decisionsOfSent = (read: readonly ConsumedRecord[]) =>
      decisionAudits(read).filter((audit) => sent.has(audit.messageId)).length;
    await consumeUntil(kafka, running.scenario.topics.audit, (read) => decisionsOfSent(read) >= 30);
    // Killed mid-stream: its open transaction is aborted when the next gateway fences it.
    await running.gateway.kill();
    const atKill = await partitionOffsets(kafka, running.scenario.topics.audit);
    running.gateway = await running.scenario.startGateway();
    const mark = running.gateway.logs.length;
    writeFileSync(policyFile, grantAllPolicy());
    await running.gateway.logged(/policy change refused/, mark);
    // An operator's access query, as the CLI writes it, and a hub event no one should have written.
    const accessQuery = hubEventRecord(running.scenario.topics, {
      kind: 'access-query',
      subject: { by: 'bsn', pseudonym: 'a'.repeat(64) },
      purpose: 'AVG-verzoek 2026-17',
      askedBy: 'beheerder',
      askedAt: new Date().toISOString(),
      deliveriesFound: 2,
    });
    await produce(kafka, running.scenario.topics.hubEvents, [
      { key: 'bogus', value: '{"kind":"delete-audit"}' },
      {
        key: String(accessQuery.key),
        value: String(accessQuery.value),
        headers: { [RECORD_MAC_HEADER]: (await running.scenario.recordMac()).of(accessQuery) },
      },
    ]);

    // Two start-ups, every decision of every zorgmelding, the refusal's alert and the access
    // query, all audited.
    const everythingAudited = (read: readonly ConsumedRecord[]) =>
      decisionsOfSent(read) === ZORGMELDINGEN * AUDITS_PER_MESSAGE &&
      read.filter((record) => kindOf(record) === 'policy-version').length === 2 &&
      decisionAudits(read).some((audit) => audit.messageType === 'nl.samenloop.beleid-geweigerd') &&
      read.some((record) => kindOf(record) === 'access-query');
    await consumeUntil(kafka, running.scenario.topics.audit, everythingAudited, 120_000);
    const results = await verifyAuditTopic(kafka, running.scenario.topics.audit);
    // As many records as verify checked hold all of the above: it checked every one of them.
    audited = await consumeUntil(
      kafka,
      running.scenario.topics.audit,
      (read) => read.length >= chained(results),
    );
    expect(everythingAudited(audited)).toBe(true);

    expect(results.map((result) => result.partition)).toEqual([0, 1, 2]);
    expect(results.filter((result) => result.firstBreak || result.unchainedBefore > 0)).toEqual([]);
    expect(chained(results)).toBe(audited.length);
    expect(audited.every((record) => record.headers[AUDIT_CHAIN_HEADERS.hash])).toBe(true);
    // Both gateways wrote to the same partitions: the restarted one continued the chains it found.
    const continued = (offsets: PartitionOffsets) =>
      audited.some(
        (r) => r.partition === offsets.partition && BigInt(r.offset) < BigInt(offsets.high),
      ) &&
      audited.some(
        (r) => r.partition === offsets.partition && BigInt(r.offset) >= BigInt(offsets.high),
      );
    expect(atKill.filter(continued).length).toBeGreaterThan(0);

    expect(JSON.parse(audited.find((record) => kindOf(record) === 'access-query')!.value!)).toEqual(
      {
        ...(JSON.parse(String(accessQuery.value)) as object),
        auditId: expect.any(String) as string,
      },
    );
    // Keyed by the pseudonym of its key, like every dead letter: found by where it came from.
    const fromHubEvents = (record: { headers: Record<string, string> }) =>
      record.headers[DEAD_LETTER_HEADERS.sourceTopic] === running.scenario.topics.hubEvents;
    const deadLetter = (
      await consumeUntil(kafka, running.scenario.topics.deadLetter, (read) =>
        read.some(fromHubEvents),
      )
    ).find(fromHubEvents);
    expect(deadLetter!.headers).toMatchObject({
      [DEAD_LETTER_HEADERS.sourceTopic]: running.scenario.topics.hubEvents,
      [DEAD_LETTER_HEADERS.failedStep]: 'hub-event-mac',
    });

    const cli = await runAuditVerify(namespace);
    expect(cli).toEqual({ code: 0, stdout: expect.stringContaining('chain intact') as string });
    expect(cli.stdout).toContain(`partition 0: `);
  });

  /** Writes the audit's records into a new topic, partition for partition, `change` applied. */
  async function copyAudit(
    name: string,
    change: (record: ConsumedRecord, index: number) => ConsumedRecord | undefined,
  ): Promise<string> {
    const copy = `${running.scenario.topics.audit}.${name}`;
    await createTopics(kafka, copy);
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    try {
      const byPartition = [0, 1, 2].map((partition) =>
        audited.filter((record) => record.partition === partition),
      );
      for (const [partition, records] of byPartition.entries()) {
        const messages = records.flatMap((record, index) => {
          const changed = change(record, index);
          return changed
            ? [{ partition, key: changed.key, value: changed.bytes, headers: changed.headers }]
            : [];
        });
        if (messages.length > 0) await producer.send({ topic: copy, acks: -1, messages });
      }
    } finally {
      await producer.disconnect();
    }
    return copy;
  }

  it('reports a record altered in a copy of the audit as a hash mismatch at its offset, and nothing else', async () => {
    const faithful = await copyAudit('faithful', (record) => record);
    const target = audited.filter((record) => record.partition === 1)[5]!;
    const altered = target
      .value!.replace(/"level":"[a-z]+"/, '"level":"inhoud"')
      .replace(/"recipient":"[A-Z-]+"/, '"recipient":"VT-BNO"');
    expect(altered).not.toBe(target.value);
    const tampered = await copyAudit('tampered', (record) =>
      record === target ? { ...record, bytes: Buffer.from(altered) } : record,
    );
    const removed = await copyAudit('removed', (record) =>
      record === target ? undefined : record,
    );

    expect((await verifyAuditTopic(kafka, faithful)).map((result) => result.firstBreak)).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    // In a copy written without transactions, the sixth record of a partition is at offset 5.
    const tamperedResults = await verifyAuditTopic(kafka, tampered);
    expect(tamperedResults.map((result) => result.firstBreak)).toEqual([
      undefined,
      { partition: 1, offset: '5', problem: 'hash-mismatch' },
      undefined,
    ]);
    expect(tamperedResults[1]!.verified).toBe(5);
    expect((await verifyAuditTopic(kafka, removed))[1]!.firstBreak).toEqual({
      partition: 1,
      offset: '5',
      problem: 'predecessor-mismatch',
    });

    const cli = await runAuditVerify(namespace, tampered);
    expect(cli.code).toBe(2);
    expect(cli.stdout).toMatch(/partition 1: .*BROKEN at offset 5: hash mismatch/);
    // Offsets and counts only: nothing of the altered record.
    expect(cli.stdout).not.toContain('VT-BNO');
    expect(cli.stdout).not.toContain(
      (JSON.parse(target.value!) as { messageId: string }).messageId,
    );
  });

  it('reports a forged record in the audit topic: one without a chain at once, a well-forged one at the next record the gateway writes', async () => {
    const policyPartition = keyPartition(POLICY_VERSIONS_KEY, 3);
    const otherPartition = (policyPartition + 1) % 3;
    const heads = await readAuditChainHeads(kafka, running.scenario.topics.audit);
    const forgedValue = JSON.stringify({ kind: 'decision', messageId: 'forged', level: 'inhoud' });
    // A forger who knows the algorithm chains the forged record to the partition's head.
    const wellForged = {
      partition: policyPartition,
      key: 'forged',
      value: forgedValue,
      headers: {
        [AUDIT_CHAIN_HEADERS.previous]: heads.get(policyPartition)!,
        [AUDIT_CHAIN_HEADERS.hash]: chainHash(heads.get(policyPartition)!, {
          partition: policyPartition,
          key: 'forged',
          value: forgedValue,
        }),
      },
    };
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    try {
      await producer.send({
        topic: running.scenario.topics.audit,
        acks: -1,
        messages: [wellForged, { partition: otherPartition, key: 'forged', value: forgedValue }],
      });
    } finally {
      await producer.disconnect();
    }
    const forged = (
      await consumeUntil(
        kafka,
        running.scenario.topics.audit,
        (read) => read.filter((record) => record.key === 'forged').length === 2,
      )
    ).filter((record) => record.key === 'forged');
    const unchainedForgery = forged.find((record) => record.partition === otherPartition)!;

    const beforeGatewayWrites = await verifyAuditTopic(kafka, running.scenario.topics.audit);
    expect(beforeGatewayWrites.map((result) => result.firstBreak)).toEqual(
      [0, 1, 2].map((partition) =>
        partition === otherPartition
          ? { partition, offset: unchainedForgery.offset, problem: 'unchained' }
          : undefined,
      ),
    );

    // A policy that goes live (the original one, with a comment added) is audited on the forged
    // partition. The gateway chains it to its own head, not to the forgery it never wrote.
    const mark = running.gateway!.logs.length;
    writeFileSync(policyFile, `${originalPolicy}\n# reviewed\n`);
    await running.gateway!.logged(/policy reloaded/, mark);
    const reload = (
      await consumeUntil(kafka, running.scenario.topics.audit, (read) =>
        read.some((record) => record.value?.includes('"trigger":"reload"')),
      )
    ).find((record) => record.value?.includes('"trigger":"reload"'))!;
    const wellForgedRead = forged.find((record) => record.partition === policyPartition)!;

    expect(reload.partition).toBe(policyPartition);
    expect(BigInt(reload.offset)).toBeGreaterThan(BigInt(wellForgedRead.offset));
    expect(
      (await verifyAuditTopic(kafka, running.scenario.topics.audit)).map(
        (result) => result.firstBreak,
      ),
    ).toEqual(
      [0, 1, 2].map((partition) =>
        partition === otherPartition
          ? { partition, offset: unchainedForgery.offset, problem: 'unchained' }
          : partition === policyPartition
            ? { partition, offset: reload.offset, problem: 'predecessor-mismatch' }
            : undefined,
      ),
    );
  });
});
