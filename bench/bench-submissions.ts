import { randomBytes } from 'node:crypto';
import { submissionFrom, type PartnerKit } from '../test/support/partner-kit';
import type { OfferedRecord } from './load-generator';

/** A verdachtenmonitor entry the policy shares with three partners: OM, VT-BNO and 3RO. */
export const ENTRY_FOR_THREE =
  'verdachtenmonitor-entry/examples/valid/ex-partner-belaging-ontboden-en-gehoord.json';
export const ENTRY_RECIPIENTS = ['OM', 'VT-BNO', '3RO'] as const;
/** A zorgmelding for VT-ZOB alone, as in a region's backlog. */
export const ZORGMELDING_FOR_VT = 'zorgmelding/examples/valid/partnergeweld-met-kinderen.json';
export const ZORGMELDING_RECIPIENT = 'VT-ZOB';

let sequence = 0;

/**
 * Signed submissions from POLITIE-OB, each its own case (references from a counter, so no two
 * join one thread) and its own trace, by which its deliveries are recognised on arrival.
 */
export async function signedSubmissions(
  partners: PartnerKit,
  fixture: string,
  count: number,
): Promise<OfferedRecord[]> {
  const records: OfferedRecord[] = [];
  for (let index = 0; index < count; index++) {
    sequence += 1;
    const police = `PL2100-${String(sequence).padStart(10, '0')}`;
    const zsm = `ZSM-OB-2026-${String(sequence).padStart(6, '0')}`;
    const traceId = randomBytes(16).toString('hex');
    const entry = fixture.startsWith('verdachtenmonitor-entry');
    const submission = {
      ...submissionFrom(fixture, {
        sender: 'POLITIE-OB',
        zaakReferenties: entry
          ? { politieRegistratienummer: police, zsmZaakId: zsm }
          : { politieRegistratienummer: police },
        payload: entry ? { '/zsmZaakId': zsm } : {},
      }),
      traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01`,
    };
    records.push({ traceId, ...(await partners.sealed('POLITIE-OB', submission, police)) });
  }
  return records;
}

/** The trace id in a W3C traceparent (`00-<trace id>-<span id>-<flags>`). */
export function traceIdOf(traceparent: string | undefined): string | undefined {
  return traceparent?.split('-')[1];
}
