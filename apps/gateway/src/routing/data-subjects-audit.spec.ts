import { CaseLedger } from '@samenloop/case';
import { bsnIdentity, fullName, personIdentity } from '@samenloop/audit';
import type { Naam } from '@samenloop/contracts';
import { Pseudonyms } from '@samenloop/crypto';
import { topicNames, type OutboundRecord } from '@samenloop/messaging';
import { HandlerFixture, ZORGMELDING } from '../submissions/submission-handler.fixture';
import { WaitingDeliveries } from '../waiting/waiting-deliveries';

const topics = topicNames();

interface Persoon {
  readonly bsn?: string;
  readonly naam: Naam;
  readonly geboortedatum: string;
}

const auditsIn = (records: readonly OutboundRecord[]) =>
  records
    .filter((record) => record.topic === topics.audit)
    .map((record) => JSON.parse(String(record.value)) as Record<string, unknown>);

describe('data subjects in the audit', () => {
  let fixture: HandlerFixture;
  let pseudonyms: Pseudonyms;
  const betrokkenen = (
    JSON.parse(ZORGMELDING) as { data: { payload: { betrokkenen: { persoon: Persoon }[] } } }
  ).data.payload.betrokkenen.map(({ persoon }) => persoon);

  /** What the index must hold for a person: a pseudonym of the BSN, else of name and birth date. */
  const subjectOf = (persoon: Persoon) => {
    const { by, value } = persoon.bsn
      ? bsnIdentity(persoon.bsn)
      : personIdentity(fullName(persoon.naam), persoon.geboortedatum);
    return { by, pseudonym: pseudonyms.of(by, value) };
  };

  beforeAll(async () => {
    fixture = await HandlerFixture.create();
    pseudonyms = new Pseudonyms(fixture.hubSecret);
  });

  it('names, by pseudonym, every person whose data a recipient decrypted, and nobody for recipients who got nothing', async () => {
    const records = await fixture
      .handlers(new CaseLedger())
      .submissions.handle(await fixture.submission());
    const [delivery] = records.filter((record) => record.topic === topics.delivery('VT-ZOB'));
    const delivered = (await fixture.open(delivery!, 'VT-ZOB')) as {
      payload: { betrokkenen: { persoon: Persoon }[] };
    };
    const audits = auditsIn(records);

    expect(audits.find((audit) => audit.recipient === 'VT-ZOB')?.dataSubjects).toEqual(
      delivered.payload.betrokkenen.map(({ persoon }) => subjectOf(persoon)),
    );
    expect(betrokkenen.filter((persoon) => !persoon.bsn)).not.toHaveLength(0);
    for (const audit of audits.filter((audit) => audit.level === 'geen'))
      expect(audit.dataSubjects).toEqual([]);
    const text = JSON.stringify(audits);
    for (const persoon of betrokkenen) {
      if (persoon.bsn) expect(text).not.toContain(persoon.bsn);
      expect(text).not.toContain(persoon.naam.achternaam);
      expect(text).not.toContain(persoon.geboortedatum);
    }
  });

  it('names the same persons when a delivery that waited for its key is released', async () => {
    const ledger = new CaseLedger();
    const waiting = new WaitingDeliveries(topics.waitingDeliveries);
    const decided = auditsIn(
      await fixture
        .handlers(ledger, { withoutKeyFor: 'VT-ZOB', waiting })
        .submissions.handle(await fixture.submission()),
    );
    ledger.commit();
    waiting.committed();

    const released = auditsIn(
      await fixture.handlers(ledger, { waiting }).clock.handle(fixture.tick(new Date())),
    );

    const subjects = betrokkenen.map(subjectOf);
    expect(
      decided.find((audit) => audit.kind === 'decision' && audit.recipient === 'VT-ZOB')
        ?.dataSubjects,
    ).toEqual(subjects);
    expect(released).toEqual([
      expect.objectContaining({ kind: 'delivery-released', dataSubjects: subjects }),
    ]);
  });
});
