import { PoisonRecordError } from './errors';
import { parseHubEvent } from './hub-event-parser';
import type { AccessQueryEvent, PolicyRefusedEvent, PolicyWentLiveEvent } from './hub-events';

const accessQuery: AccessQueryEvent = {
  kind: 'access-query',
  eventId: 'e-1',
  subject: { by: 'bsn', pseudonym: 'p'.repeat(64) },
  purpose: 'AVG-verzoek 2026-17',
  askedBy: 'beheerder',
  askedAt: '2026-12-01T10:00:00.000Z',
  deliveriesFound: 3,
};
const wentLive: PolicyWentLiveEvent = {
  kind: 'policy-went-live',
  eventId: 'e-2',
  trigger: 'start-up',
  policyVersion: `sha256:${'a'.repeat(64)}`,
  previousVersion: null,
  files: [{ name: 'oost-brabant.yaml', sha256: 'c'.repeat(64) }],
  testsPassed: 13,
  changedBy: { uid: 1000, user: null, file: '.' },
  instance: 'gateway-1',
  activatedAt: '2026-12-01T10:00:00.000Z',
};
const refused: PolicyRefusedEvent = {
  kind: 'policy-refused',
  eventId: 'e-3',
  keptVersion: `sha256:${'b'.repeat(64)}`,
  files: [],
  problems: [{ code: 'geen-beleidsbestanden' }, { code: 'beleid-ongeldig', file: 'a.yaml' }],
  refusedAt: '2026-12-01T10:00:00.000Z',
};

const parse = (event: unknown) => () => parseHubEvent(Buffer.from(JSON.stringify(event)));

describe(parseHubEvent.name, () => {
  it.each([accessQuery, wentLive, refused])('reads a $kind event as it was written', (event) => {
    expect(parse(event)()).toEqual(event);
  });

  it.each([
    ['not JSON', () => parseHubEvent(Buffer.from('{'))],
    ['no value', () => parseHubEvent(null)],
    ['an unknown kind', parse({ ...accessQuery, kind: 'delete-audit' })],
    ['a missing field', parse({ ...accessQuery, purpose: undefined })],
    ['a field of the wrong type', parse({ ...accessQuery, deliveriesFound: '3' })],
    ['a time that is none', parse({ ...wentLive, activatedAt: 'yesterday' })],
    [
      'a subject named another way',
      parse({ ...accessQuery, subject: { by: 'name', pseudonym: 'x' } }),
    ],
    // Nothing unlisted reaches the audit, least of all a person's identifier.
    ['an extra field', parse({ ...accessQuery, bsn: '123456782' })],
    ['an extra nested field', parse({ ...refused, problems: [{ code: 'x', detail: 'why' }] })],
  ])('refuses %s as a poison record, naming no value', (_, read) => {
    expect(read).toThrow(PoisonRecordError);
    expect(read).not.toThrow(/123456782|delete-audit|yesterday/);
  });
});
