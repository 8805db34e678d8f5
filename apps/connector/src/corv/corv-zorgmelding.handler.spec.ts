import { readFileSync } from 'node:fs';
import { Global, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import path from 'node:path';
import { ContractValidator, submissionEvent, type SubmissionBody } from '@samenloop/contracts';
import type { ConnectorSettings } from '../config/connector-settings';
import { CONNECTOR_SETTINGS } from '../connector.tokens';
import type { DroppedFile } from '../files/file-handler';
import {
  IdempotencyKeyReusedError,
  InvalidSubmissionError,
  SubmissionService,
  type SubmissionOutcome,
} from '../submissions/submission.service';
import { CorvZorgmeldingHandler } from './corv-zorgmelding.handler';
import { CorvModule } from './corv.module';

const EXAMPLES = path.resolve(__dirname, '../../../../schemas/corv/examples');
const POLITIE_OIN = '00000099000000001001';
const BERICHT_ID = '3b0f7a52-6c1e-4d8a-9f2b-1e5c7d9a0b41';

const settings = {
  partnerId: 'POLITIE-OB',
  source: `urn:nld:oin:${POLITIE_OIN}`,
} as ConnectorSettings;

/** SubmissionService as the handler sees it: contract check, then once per idempotency key. */
class FakeSubmissionService {
  readonly submitted: { body: SubmissionBody; key: string; traceparent: string }[] = [];
  private readonly validator = new ContractValidator();
  private readonly bodies = new Map<string, string>();
  brokerDown = false;

  submit(body: SubmissionBody, key: string, traceparent: string): Promise<SubmissionOutcome> {
    const earlier = this.bodies.get(key);
    if (earlier !== undefined) {
      if (earlier !== JSON.stringify(body)) throw new IdempotencyKeyReusedError('earlier-message');
      return Promise.resolve({ messageId: 'earlier-message', repeated: true });
    }
    const event = submissionEvent(body, {
      id: '0b6f3f43-2f9c-4d4a-9c55-8d4f4b0f2a10',
      source: settings.source,
      time: '2026-12-03T09:00:00.000Z',
      traceparent,
    });
    const validation = this.validator.validateSubmission(event);
    if (!validation.ok) throw new InvalidSubmissionError(validation.errors);
    if (this.brokerDown) return Promise.reject(new Error('broker unreachable'));
    this.bodies.set(key, JSON.stringify(body));
    this.submitted.push({ body, key, traceparent });
    return Promise.resolve({ messageId: `message-${this.submitted.length}`, repeated: false });
  }
}

function dropped(
  folder: 'valid' | 'invalid',
  name: string,
  edit = (xml: string) => xml,
): DroppedFile {
  const xml = readFileSync(path.join(EXAMPLES, folder, name), 'utf8');
  return { name, bytes: Buffer.from(edit(xml)) };
}

const valid = (edit?: (xml: string) => string) =>
  dropped('valid', 'partnergeweld-met-kinderen.xml', edit);

describe(CorvZorgmeldingHandler.name, () => {
  let submissions: FakeSubmissionService;
  let handler: CorvZorgmeldingHandler;

  beforeEach(() => {
    submissions = new FakeSubmissionService();
    handler = new CorvZorgmeldingHandler(submissions as unknown as SubmissionService, settings);
  });

  it('submits the zorgmelding under its BerichtId, in a trace of its own', async () => {
    await expect(handler.handle(valid())).resolves.toEqual({
      status: 'processed',
      summary: { submitted: 1, repeated: 0 },
      problems: [],
    });

    expect(submissions.submitted).toHaveLength(1);
    const [submission] = submissions.submitted;
    expect(submission?.key).toBe(`corv:${BERICHT_ID}`);
    expect(submission?.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(submission?.body).toMatchObject({
      type: 'zorgmelding',
      occurredAt: '2026-11-19T23:15:00+01:00',
      zaakReferenties: { politieRegistratienummer: 'PL2100-2026112345' },
    });
  });

  it('recognises a file it submitted before (a crash before the move) and sends nothing', async () => {
    await handler.handle(valid());

    await expect(handler.handle(valid())).resolves.toEqual({
      status: 'processed',
      summary: { submitted: 0, repeated: 1 },
      problems: [],
    });
    expect(submissions.submitted).toHaveLength(1);
  });

  it('refuses a file that misses its XSD, naming line and element', async () => {
    await expect(
      handler.handle(dropped('invalid', 'postcode-in-kleine-letters.xml')),
    ).resolves.toEqual({
      status: 'error',
      problems: [
        'corv-zorgmelding line 29 /Bericht/Inhoud/Zorgmelding/Incident/Plaats/Postcode: does not match the pattern [1-9][0-9]{3} ?[A-Z]{2}',
      ],
    });
    expect(submissions.submitted).toHaveLength(0);
  });

  it('refuses a file that is not XML at all', async () => {
    const outcome = await handler.handle({ name: 'x.xml', bytes: Buffer.from('%PDF-1.7') });

    expect(outcome.status).toBe('error');
  });

  it("refuses a Bericht from another organisation's OIN", async () => {
    const outcome = await handler.handle(
      valid((xml) => xml.replace(POLITIE_OIN, '00000099000000003002')),
    );

    expect(outcome).toEqual({
      status: 'error',
      problems: [
        `corv-zorgmelding /Bericht/Kop/Afzender: must be the OIN of POLITIE-OB, ${POLITIE_OIN}`,
      ],
    });
    expect(submissions.submitted).toHaveLength(0);
  });

  it('names the contract errors of a Bericht its XSD lets through', async () => {
    await expect(
      handler.handle(dropped('invalid', 'incident-datum-30-februari.xml')),
    ).resolves.toEqual({
      status: 'error',
      problems: ['zorgmelding /incident/datum: must be a date (YYYY-MM-DD)'],
    });
  });

  it('refuses a second Bericht with the same BerichtId and other content', async () => {
    await handler.handle(valid());

    await expect(
      handler.handle(valid((xml) => xml.replace('<Tijd>23:15</Tijd>', '<Tijd>23:20</Tijd>'))),
    ).resolves.toEqual({
      status: 'error',
      problems: [
        `corv-zorgmelding /Bericht/Kop/BerichtId: ${BERICHT_ID} was used before for another Bericht; give each Bericht its own BerichtId`,
      ],
    });
  });

  it('lets a broker failure through, so the file stays in the inbox for another try', async () => {
    submissions.brokerDown = true;

    await expect(handler.handle(valid())).rejects.toThrow('broker unreachable');
  });
});

describe(CorvModule.name, () => {
  it("gives the handler the connector's global SubmissionService and settings", async () => {
    const submissions = new FakeSubmissionService();
    @Global()
    @Module({
      providers: [
        { provide: SubmissionService, useValue: submissions },
        { provide: CONNECTOR_SETTINGS, useValue: settings },
      ],
      exports: [SubmissionService, CONNECTOR_SETTINGS],
    })
    class ConnectorStandIn {}
    const moduleRef = await Test.createTestingModule({
      imports: [ConnectorStandIn, CorvModule],
    }).compile();

    await moduleRef.get(CorvZorgmeldingHandler).handle(valid());

    expect(submissions.submitted).toHaveLength(1);
  });
});
