import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CLOUDEVENTS_HEADERS } from '@samenloop/contracts';
import { CaseLedger, type CaseFacts } from '@samenloop/case';
import { topicNames, type OutboundRecord } from '@samenloop/messaging';
import { decideInCase, project, replayCase, type ReplayedMessage } from '@samenloop/policy';
import fc from 'fast-check';
import { HandlerFixture, policy, registry, validator } from './submission-handler.fixture';

/**
 * Case threads of 2–6 messages of mixed types, in random order and with optional facts present or
 * not, through the gateway's handlers; now and then an earlier message submitted again (the
 * operator's release of its held part for VT, or a duplicate); after every message the invariants
 * of need-to-know per case.
 */
const SCHEMAS = path.resolve(__dirname, '../../../../schemas');
const topics = topicNames();
const REFERENCES = {
  politieRegistratienummer: 'PL2100-2026113017',
  zsmZaakId: 'ZSM-OB-2026-004211',
};
const HOUSEHOLDS = ['GM0772', 'GM0828', 'GM0794'] as const;

type Payload = Record<string, unknown>;
interface Kind {
  readonly fixture: string;
  readonly sender: string;
  readonly vary: (payload: Payload, household: string, optional: boolean) => void;
}

const KINDS: readonly Kind[] = [
  {
    fixture: 'zorgmelding/examples/valid/partnergeweld-met-kinderen.json',
    sender: 'POLITIE-OB',
    vary: (payload, household) => {
      ((payload.huishouden as Payload).adres as Payload).gemeentecode = household;
    },
  },
  {
    fixture: 'verdachtenmonitor-entry/examples/valid/partnergeweld-aangehouden-met-kinderen.json',
    sender: 'POLITIE-OB',
    vary: (payload, household, optional) => {
      (payload.verdachte as Payload).adres = { woonplaats: 'Oss', gemeentecode: 'GM0828' };
      // ZSM does not always know the household, nor the children of the family.
      payload.minderjarigenBetrokken = optional;
      if (optional) payload.huishouden = { gemeentecode: household };
      else delete payload.huishouden;
    },
  },
  {
    fixture:
      'veiligheidsbeoordeling/examples/valid/partnergeweld-kinderen-contact-en-locatieverbod.json',
    sender: 'VT-ZOB',
    vary: (payload, _household, optional) => {
      if (!optional) delete payload.kinderenInBeeld;
      else payload.raadInschakelen = true;
    },
  },
  {
    fixture: 'afdoeningsbeslissing/examples/valid/heenzenden-met-voorwaarden-partnergeweld.json',
    sender: 'OM',
    vary: (payload, _household, optional) => {
      if (!optional) {
        delete payload.voorwaarden;
        delete payload.reclasseringstoezicht;
      }
    },
  },
  {
    fixture:
      'terugkoppeling-aan-melder/examples/valid/overgedragen-aan-wijkteam-met-veiligheidsafspraken.json',
    sender: 'VT-ZOB',
    vary: () => undefined,
  },
  {
    fixture: 'zaakfeiten-correctie/examples/valid/vt-geen-kinderen-in-het-gezin.json',
    sender: 'VT-ZOB',
    vary: () => undefined,
  },
];

interface Envelope {
  id: string;
  source: string;
  data: { zaakReferenties: Record<string, string>; relatesTo?: string[]; payload: Payload };
}

function envelopeOf(kind: Kind, household: string, optional: boolean): Envelope {
  const envelope = JSON.parse(readFileSync(path.join(SCHEMAS, kind.fixture), 'utf8')) as Envelope;
  envelope.id = randomUUID();
  envelope.source = `urn:nld:oin:${registry.get(kind.sender)!.oin}:systeem:test`;
  envelope.data.zaakReferenties = { ...REFERENCES };
  delete envelope.data.relatesTo;
  kind.vary(envelope.data.payload, household, optional);
  return envelope;
}

interface Step {
  readonly kind: Kind;
  readonly household: string;
  readonly optional: boolean;
}

const thread = fc.array(
  fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record({
        kind: fc.constantFrom(...KINDS),
        household: fc.constantFrom(...HOUSEHOLDS),
        optional: fc.boolean(),
      }),
    },
    // An earlier message of the thread submitted again, as `samenloop parked release` does.
    { weight: 2, arbitrary: fc.record({ again: fc.nat() }) },
  ),
  { minLength: 2, maxLength: 6 },
);

interface Audit {
  kind: string;
  messageId: string;
  recipient: string;
  level: string;
  deliveryId: string | null;
  ruleIds: string[];
  deliveredFields: string[];
}

function namesHousehold(step: Step): boolean {
  return (
    step.kind.fixture.startsWith('zorgmelding/') ||
    (step.kind.fixture.startsWith('verdachtenmonitor-entry/') && step.optional)
  );
}

/** Every fact known before is known after, and no true turned false; municipalities only add. */
function grewFrom(before: CaseFacts, after: CaseFacts): boolean {
  for (const [fact, value] of Object.entries(before)) {
    const now = (after as Record<string, unknown>)[fact];
    if (fact === 'gemeentecodes') {
      if (!(value as string[]).every((code) => (now as string[] | undefined)?.includes(code)))
        return false;
    } else if (now === undefined || (value === true && now !== true)) return false;
  }
  return true;
}

describe('case threads under random order and optional facts', () => {
  let fixture: HandlerFixture;

  beforeAll(async () => {
    fixture = await HandlerFixture.create();
  });

  it('never shrinks facts, never over-shares to a VT (released parts too), delivers only what audited rules allow, and agrees with policy explain --case', async () => {
    await fc.assert(
      fc.asyncProperty(thread, async (generated) => {
        const ledger = new CaseLedger();
        const handlers = fixture.handlers(ledger);
        const sent: ReplayedMessage[] = [];
        const submitted: { step: Step; envelope: Envelope }[] = [];
        // The households the messages name: the truth a VT delivery is checked against.
        const households = new Set<string>();
        let caseKey: string | undefined;
        for (const generatedStep of generated) {
          // The operator releases what is held for VT; with nothing held, a message comes twice.
          const current = caseKey ? ledger.caseRecord(caseKey) : undefined;
          const held = Object.keys(current?.heldForVt ?? {});
          const releasable = submitted.filter(({ envelope }) => held.includes(envelope.id));
          const pool = releasable.length > 0 ? releasable : submitted;
          const earlier =
            'again' in generatedStep
              ? pool[generatedStep.again % Math.max(pool.length, 1)]
              : undefined;
          if ('again' in generatedStep && !earlier) continue;
          const step = earlier?.step ?? (generatedStep as Step);
          const envelope =
            earlier?.envelope ?? envelopeOf(step.kind, step.household, step.optional);
          if (!earlier) submitted.push({ step, envelope });
          const acceptedBefore = ledger.caseOfMessage(envelope.id) !== undefined;
          const before = caseKey ? ledger.caseRecord(caseKey)?.facts : undefined;
          const validation = validator.validateSubmissionJson(JSON.stringify(envelope));
          if (!validation.ok) throw new Error(`${step.kind.fixture} varied is not valid`);

          // What policy explain --case answers: the earlier messages replayed, then this one.
          const replay = replayCase({ policy, registry }, validator, sent);
          const sender = registry.get(step.kind.sender)!;
          const explained = decideInCase(
            { ledger: replay.ledger, policy, registry },
            {
              id: envelope.id,
              type: validation.value.messageType,
              payload: envelope.data.payload,
              sender,
              zaakReferenties: envelope.data.zaakReferenties,
              relatesTo: [],
            },
          );

          const records = await handlers.submissions.handle(
            await fixture.submission({
              value: JSON.stringify(envelope),
              signer: step.kind.sender,
              topic: topics.inbound(step.kind.sender),
            }),
          );
          ledger.commit();
          // The hub drops an id it accepted before, unless it releases the id's held part for VT.
          const duplicate = acceptedBefore && explained.outcome !== 'released';
          if (!duplicate) sent.push({ label: step.kind.fixture, submission: validation.value });

          const audits = records
            .filter((record) => record.topic === topics.audit)
            .map((record) => JSON.parse(String(record.value)) as Audit)
            .filter((audit) => audit.kind === 'decision' && audit.messageId === envelope.id);
          caseKey ??= ledger.caseOfMessage(envelope.id);
          const after = caseKey ? ledger.caseRecord(caseKey)?.facts : undefined;
          if (ledger.caseOfMessage(envelope.id) && namesHousehold(step))
            households.add(step.household);

          // Facts never shrink without a correction.
          if (before && after && step.kind.fixture.indexOf('zaakfeiten-correctie') < 0)
            expect(grewFrom(before, after)).toBe(true);

          // The gateway and explain --case decide alike, recipient by recipient.
          const decided =
            !duplicate &&
            (explained.outcome === 'routed' ||
              (explained.outcome === 'released' && !explained.vtHeld))
              ? explained.decisions.map((decision) => ({
                  recipient: decision.recipient.id,
                  level: decision.level,
                  deliveredFields: [...decision.deliveredFields],
                }))
              : [];
          expect(
            audits.map(({ recipient, level, deliveredFields }) => ({
              recipient,
              level,
              deliveredFields,
            })),
          ).toEqual(decided);

          await expectDeliveriesAllowed(records, audits, [...households]);
        }
      }),
      { numRuns: 40 },
    );
  }, 120_000);

  /** Every delivered path is allowed by a rule its audit record names; a VT serves the household. */
  async function expectDeliveriesAllowed(
    records: readonly OutboundRecord[],
    audits: readonly Audit[],
    households: readonly string[],
  ): Promise<void> {
    for (const audit of audits.filter((entry) => entry.deliveryId !== null)) {
      const recipient = registry.get(audit.recipient)!;
      const record = records.find(
        (candidate) =>
          candidate.topic === topics.delivery(audit.recipient) &&
          candidate.headers?.[CLOUDEVENTS_HEADERS.id] === audit.deliveryId,
      );
      const delivery = await fixture.open(record!, audit.recipient);
      expect((delivery.grondslag as { ruleIds: string[] }).ruleIds).toEqual(audit.ruleIds);
      if (recipient.kind === 'VT' && delivery.sender !== 'SAMENLOOP')
        expect(households.some((code) => recipient.gemeenten?.includes(code))).toBe(true);
      const allowed = policy.rules
        .filter((rule) => audit.ruleIds.includes(rule.id))
        .flatMap((rule) => rule.fields ?? []);
      // Projected again on the audited rules' allowlists, nothing of the delivery stays behind.
      expect(project((delivery.payload as Payload | undefined) ?? {}, allowed).withheld).toEqual(
        [],
      );
    }
  }
});
