import { Writable } from 'node:stream';
import {
  HubSecret,
  Pseudonyms,
  RECORD_MAC_HEADER,
  RecordMac,
  StateSeal,
  temporaryHubSecret,
} from '@samenloop/crypto';
import { loggerOptions } from '@samenloop/observability';
import pino from 'pino';
import type { StateRecord } from '../topics/compacted-topic.reader';
import { CaseStateTopic, UnreadableCaseStateError } from './case-state.topic';

const TOPIC = 'samenloop.case-state.v1';
const CASE = 'case:case-7b0f1c8e-0000-4000-8000-000000000001';
const GM0772 = '{"caseKey":"case-1","facts":{"gemeentecodes":["GM0772"]}}';
const GM0363 = '{"caseKey":"case-1","facts":{"gemeentecodes":["GM0363"]}}';

describe(CaseStateTopic.name, () => {
  let secret: HubSecret;
  let seal: StateSeal;
  let alerts: Record<string, unknown>[];
  let offset: number;

  beforeAll(async () => {
    secret = await temporaryHubSecret();
    seal = new StateSeal(secret);
  });

  beforeEach(() => {
    alerts = [];
    offset = 0;
  });

  const stateTopic = (migrateClearState = false) =>
    new CaseStateTopic(
      TOPIC,
      new Pseudonyms(secret),
      seal,
      new RecordMac(secret),
      pino(
        loggerOptions('test', 'info'),
        new Writable({
          write(chunk: Buffer, _encoding, callback) {
            alerts.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
            callback();
          },
        }),
      ),
      { migrateClearState },
    );
  const record = (key: string, value: string | null): StateRecord => ({
    key,
    value: value === null ? null : Buffer.from(value),
    headers: {},
    partition: 0,
    offset: String(offset++),
  });
  const sealed = (key: string, value: string, under = seal) => record(key, under.seal(value, key));

  it('applies what it sealed and skips, with an alert, what does not open: the last genuine value stays and is written again', async () => {
    const genuine = sealed(CASE, GM0772);
    const moved = record(CASE, seal.seal(GM0363, 'case:case-other'));
    const tampered = record(CASE, `${genuine.value!.toString().slice(0, -4)}AAAA`);
    const otherSecret = sealed(CASE, GM0363, new StateSeal(await temporaryHubSecret()));

    const opened = stateTopic().open([genuine, moved, tampered, otherSecret]);

    expect(opened.entries).toEqual([{ key: CASE, value: GM0772 }]);
    expect(opened.rewrites).toEqual([{ key: CASE, value: GM0772 }]);
    expect(opened.skipped.map(({ reason }) => reason)).toEqual([
      'does-not-open',
      'does-not-open',
      'does-not-open',
    ]);
    expect(alerts).toEqual(
      ['1', '2', '3'].map((at): unknown =>
        expect.objectContaining({
          alert: 'case-state-record-skipped',
          reason: 'does-not-open',
          offset: at,
          keyKind: 'case',
        }),
      ),
    );
  });

  it('applies only its own tombstones: one without its MAC deletes nothing, with an alert when there was something to delete', () => {
    const state = stateTopic();
    const [own] = state.records([{ key: CASE, value: null }]);
    const other = 'msg:0b6c4a2e-0000-4000-8000-000000000002';

    const opened = state.open([
      sealed(CASE, GM0772),
      record(CASE, null),
      record(other, null),
      { ...record(CASE, null), headers: own!.headers! },
    ]);

    expect(opened.entries).toEqual([
      { key: CASE, value: GM0772 },
      { key: CASE, value: null },
    ]);
    expect(alerts).toEqual([
      expect.objectContaining({ reason: 'tombstone-without-mac', offset: '1' }),
    ]);
    expect(own!.headers![RECORD_MAC_HEADER]).toEqual(expect.stringMatching(/^m1\./));
  });

  it('refuses a state in clear unless the one-shot migration is on, without naming its key', () => {
    const clear = [
      record(CASE, GM0363),
      record('ref:politieRegistratienummer:PL2100-2026000001', 'case-1'),
    ];

    const refused = stateTopic().open(clear);
    const migrated = stateTopic(true).open(clear);

    expect(refused.entries).toEqual([]);
    expect(refused.rewrites).toEqual([]);
    expect(refused.skipped.map(({ reason }) => reason)).toEqual(['in-clear', 'in-clear']);
    expect(JSON.stringify(alerts)).toContain('SAMENLOOP_MIGRATE_CLEAR_CASE_STATE=true');
    expect(JSON.stringify(alerts)).not.toContain('PL2100');
    expect(migrated.skipped).toEqual([]);
    expect(migrated.entries.map((entry) => entry.key)).toEqual([
      CASE,
      `ref:${new Pseudonyms(secret).of('case-reference', 'politieRegistratienummer:PL2100-2026000001')}`,
    ]);
  });

  it('does not start on a state of which no sealed record opens: the hub secret is wrong', async () => {
    const other = new StateSeal(await temporaryHubSecret());

    expect(() => stateTopic().open([sealed(CASE, GM0772, other), record(CASE, null)])).toThrow(
      UnreadableCaseStateError,
    );
    expect(stateTopic().open([]).entries).toEqual([]);
  });
});
