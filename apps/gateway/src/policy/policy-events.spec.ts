import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { ContractValidator, formatContractError } from '@samenloop/contracts';
import {
  beleidGeweigerd,
  policyRefusedEvent,
  policyVersionRecord,
  policyWentLiveEvent,
  type PolicyRefusal,
} from './policy-events';

const ROOT = path.resolve(__dirname, '../../../..');
const VERSION = `sha256:${'a'.repeat(64)}`;
const KEPT = `sha256:${'b'.repeat(64)}`;

describe(policyVersionRecord.name, () => {
  it('is an audit record as schemas/asyncapi.yaml documents it', () => {
    const asyncapi = parse(readFileSync(path.join(ROOT, 'schemas/asyncapi.yaml'), 'utf8')) as {
      components: { messages: { policyVersionRecord: { payload: object } } };
    };
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(asyncapi.components.messages.policyVersionRecord.payload);

    const event = policyWentLiveEvent(
      {
        trigger: 'reload',
        policyVersion: VERSION,
        previousVersion: KEPT,
        files: [{ name: 'oost-brabant.yaml', sha256: 'c'.repeat(64) }],
        testsPassed: 13,
        changedBy: { uid: 1000, user: 'beleid', file: 'oost-brabant.yaml' },
        activatedAt: new Date('2026-12-01T10:00:00Z'),
      },
      'gateway-1',
    );
    const record = policyVersionRecord({ ...event, eventId: 'e-1' }, 'samenloop.audit.v1');

    const value = JSON.parse(String(record.value)) as Record<string, unknown>;
    expect(validate(value) ? [] : validate.errors).toEqual([]);
    // One key for all versions: one partition, in the order they went live.
    expect(record).toMatchObject({ topic: 'samenloop.audit.v1', key: 'policy-versions' });
    expect(value).toMatchObject({
      kind: 'policy-version',
      policyVersion: VERSION,
      previousVersion: KEPT,
      trigger: 'reload',
      tests: { passed: 13 },
      instance: 'gateway-1',
      activatedAt: '2026-12-01T10:00:00.000Z',
    });
  });
});

describe(beleidGeweigerd.name, () => {
  const refusal: PolicyRefusal = {
    refusedVersion: VERSION,
    keptVersion: KEPT,
    files: [{ name: 'oost-brabant.yaml', sha256: 'c'.repeat(64) }],
    problems: [
      {
        code: 'beleidstest-faalt',
        file: 'zorgmelding-oss-alleen-naar-vt-bno.yaml',
        detail:
          'policy test zorgmelding-oss-alleen-naar-vt-bno.yaml fails: VT-ZOB must receive nothing but gets inhoud (/melder)',
      },
      {
        code: 'beleid-ongeldig',
        file: 'oost-brabant.yaml',
        detail: 'oost-brabant.yaml: rule a: …',
      },
      {
        code: 'beleid-ongeldig',
        file: 'oost-brabant.yaml',
        detail: 'oost-brabant.yaml: rule b: …',
      },
      { code: 'beleid-ongeldig', detail: 'rule id a is used more than once' },
    ],
    refusedAt: new Date('2026-12-01T10:00:00Z'),
  };

  it('names versions, files and problem codes once each, valid against its schema, never the problems themselves', () => {
    const payload = beleidGeweigerd({ ...policyRefusedEvent(refusal), eventId: 'e-1' });

    const check = new ContractValidator().validateDocument('beleid-geweigerd', payload);
    expect(check.ok ? [] : check.errors.map(formatContractError)).toEqual([]);
    expect(payload).toEqual({
      geweigerdeVersie: VERSION,
      versieInGebruik: KEPT,
      bestanden: ['oost-brabant.yaml'],
      problemen: [
        { code: 'beleidstest-faalt', bestand: 'zorgmelding-oss-alleen-naar-vt-bno.yaml' },
        { code: 'beleid-ongeldig', bestand: 'oost-brabant.yaml' },
        { code: 'beleid-ongeldig' },
      ],
      geweigerdOp: '2026-12-01T10:00:00.000Z',
    });
  });

  it('leaves the refused version out when the check could not finish', () => {
    const event = policyRefusedEvent({
      ...refusal,
      refusedVersion: undefined,
      files: [],
      problems: [
        { code: 'controle-mislukt', detail: 'the policy check took longer than 120000 ms' },
      ],
    });
    const payload = beleidGeweigerd({ ...event, eventId: 'e-1' });

    expect(new ContractValidator().validateDocument('beleid-geweigerd', payload).ok).toBe(true);
    expect(payload).not.toHaveProperty('geweigerdeVersie');
  });
});
