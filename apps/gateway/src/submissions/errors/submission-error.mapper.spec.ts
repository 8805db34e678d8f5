import { CaseLedger } from '@samenloop/case';
import {
  DEAD_LETTER_HEADERS,
  TransientProcessingError,
  topicNames,
  type OutboundRecord,
} from '@samenloop/messaging';
import { WaitingDeliveries } from '../../waiting/waiting-deliveries';
import {
  HandlerFixture,
  ZORGMELDING,
  validator,
  validatorOverriding,
} from '../submission-handler.fixture';
import { rejectionOf } from './submission-error.mapper';

const topics = topicNames();
const ANSWERS = topics.delivery('POLITIE-OB');

describe(rejectionOf.name, () => {
  let fixture: HandlerFixture;
  let ledger: CaseLedger;
  let waiting: WaitingDeliveries;

  beforeAll(async () => {
    fixture = await HandlerFixture.create();
  });

  beforeEach(() => {
    ledger = new CaseLedger();
    waiting = new WaitingDeliveries(topics.waitingDeliveries);
  });

  const onTopic = (records: readonly OutboundRecord[], topic: string) =>
    records.filter((record) => record.topic === topic);

  /** The zorgmelding for a household in a municipality no VT serves: it is parked, with an alert. */
  function unroutable(): string {
    const submission = JSON.parse(ZORGMELDING) as {
      data: { payload: { huishouden: { adres: { gemeentecode: string } } } };
    };
    submission.data.payload.huishouden.adres.gemeentecode = 'GM0999';
    return JSON.stringify(submission);
  }

  async function expectUndeliverable(
    records: readonly OutboundRecord[],
    step: string,
  ): Promise<string> {
    expect(records.map((record) => record.topic).sort()).toEqual([
      topics.audit,
      topics.deadLetter,
      ANSWERS,
    ]);
    const rejection = await fixture.open(onTopic(records, ANSWERS)[0]!, 'POLITIE-OB');
    expect(rejection).toMatchObject({ errors: [{ code: 'undeliverable' }] });
    expect(validator.validateDocument('rejection', rejection).ok).toBe(true);
    expect(onTopic(records, topics.deadLetter)[0]!.headers).toMatchObject({
      [DEAD_LETTER_HEADERS.failedStep]: step,
      [DEAD_LETTER_HEADERS.errorClass]: 'PoisonRecordError',
    });
    expect(JSON.parse(String(onTopic(records, topics.audit)[0]!.value))).toMatchObject({
      kind: 'rejection',
      step,
      codes: ['undeliverable'],
    });
    expect(ledger.pendingEntries).toEqual([]);
    expect(waiting.pendingRecords).toEqual([]);
    return (rejection as { errors: { message: string }[] }).errors[0]!.message;
  }

  it('answers a message whose alert the hub cannot build within its own contract as undeliverable, and parks nothing of it', async () => {
    const handlers = fixture.handlers(ledger, {
      waiting,
      validator: validatorOverriding(validator, 'routering-geparkeerd', () => ({
        ok: false,
        errors: [
          {
            code: 'invalid-document',
            schema: 'routering-geparkeerd',
            path: '/reden',
            message: 'x',
          },
        ],
      })),
    });

    const records = await handlers.submissions.handle(
      await fixture.submission({ value: unroutable() }),
    );

    expect(await expectUndeliverable(records, 'seal')).toContain('alert routering-geparkeerd');
    expect(onTopic(records, topics.parked)).toEqual([]);
  });

  it('answers a plain error while routing as undeliverable, quoting nothing of it', async () => {
    const handlers = fixture.handlers(ledger, {
      waiting,
      validator: validatorOverriding(validator, 'delivery', () => {
        throw new TypeError('Cannot read properties of the payload of Jansen');
      }),
    });

    const records = await handlers.submissions.handle(await fixture.submission());

    const message = await expectUndeliverable(records, 'route');
    expect(message).toContain('a fault in the hub, not in your message');
    expect(message).not.toContain('Jansen');
    expect(JSON.stringify(onTopic(records, topics.deadLetter)[0]!.headers)).not.toContain('Jansen');
  });

  it('leaves a retriable error to the pipeline, to handle the record again, with nothing staged', async () => {
    const handlers = fixture.handlers(ledger, {
      withoutKeyFor: 'VT-ZOB',
      waiting,
      validator: validatorOverriding(validator, 'receipt', () => {
        throw new TransientProcessingError('the schema store is unavailable', 'seal');
      }),
    });

    await expect(handlers.submissions.handle(await fixture.submission())).rejects.toThrow(
      TransientProcessingError,
    );
    expect(ledger.pendingEntries).toEqual([]);
    expect(waiting.pendingRecords).toEqual([]);
  });
});
