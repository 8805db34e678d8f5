import { ZORGMELDING_BERICHT_XSD } from './corv-schemas';
import { toXmlElements, fromXmlElements, type Field } from './xml-mapping';
import { buildXml, parseXml, xmlText } from './xml-document';
import { xsdProblems, type XsdCheck } from './xsd-validation';
import {
  SUBMISSION_KOP_FIELDS,
  ZORGMELDING_FIELDS,
  ZORGMELDING_NAMESPACE,
} from './zorgmelding-mapping';

/** What a CORV message's Kop says about the message itself. */
export interface CorvKop {
  /** A UUID, unique per message: the connector submits it once. */
  readonly berichtId: string;
  /** The sender's OIN (20 digits). */
  readonly afzenderOin: string;
  /** When the message was made (xs:dateTime). */
  readonly tijdstip: string;
}

/** A zorgmelding as the connector submits it (the body `POST /v1/berichten` takes). */
export interface CorvSubmission {
  readonly type: 'zorgmelding';
  readonly occurredAt: string;
  readonly zaakReferenties: Readonly<Record<string, string>>;
  readonly relatesTo?: readonly string[];
  readonly payload: Readonly<Record<string, unknown>>;
}

export type CorvReading =
  | {
      readonly ok: true;
      readonly berichtId: string;
      readonly afzenderOin: string;
      readonly submission: CorvSubmission;
    }
  | { readonly ok: false; readonly problems: readonly string[] };

export const CORV_ZORGMELDING_CHECK: XsdCheck = {
  label: 'corv-zorgmelding',
  schema: ZORGMELDING_BERICHT_XSD,
  root: 'Bericht',
  namespace: ZORGMELDING_NAMESPACE,
};

const KOP_FIELDS: readonly Field[] = [
  { json: 'berichtId', xml: 'BerichtId', value: 'text' },
  { json: 'afzenderOin', xml: 'Afzender', value: 'text' },
  { json: 'tijdstip', xml: 'Tijdstip', value: 'text' },
  ...SUBMISSION_KOP_FIELDS,
];

/**
 * A CORV zorgmelding Bericht as a submission, once it is well-formed and valid against its XSD.
 * The payload is not checked against the JSON contract here: that is the submission's own check.
 */
export async function readCorvZorgmelding(xml: string | Buffer): Promise<CorvReading> {
  const decoded = xmlText(xml);
  if ('problem' in decoded) {
    return {
      ok: false,
      problems: [`${CORV_ZORGMELDING_CHECK.label} line 1 /: ${decoded.problem}`],
    };
  }
  const { text } = decoded;
  const problems = await xsdProblems(text, CORV_ZORGMELDING_CHECK);
  if (problems.length > 0) return { ok: false, problems };
  const bericht = parseXml(text).Bericht as { Kop: object; Inhoud: { Zorgmelding: object } };
  const kop = fromXmlElements(
    KOP_FIELDS,
    bericht.Kop as Record<string, unknown>,
  ) as unknown as CorvKop & Omit<CorvSubmission, 'type' | 'payload'>;
  const { berichtId, afzenderOin, tijdstip: _tijdstip, ...data } = kop;
  return {
    ok: true,
    berichtId,
    afzenderOin,
    submission: {
      type: 'zorgmelding',
      ...data,
      payload: zorgmeldingPayload(bericht.Inhoud.Zorgmelding),
    },
  };
}

/** The CORV Bericht of a zorgmelding submission (what a police system would drop). */
export function writeCorvZorgmelding(kop: CorvKop, submission: CorvSubmission): string {
  const { type: _type, payload, ...data } = submission;
  return buildXml({
    Bericht: {
      '@_xmlns': ZORGMELDING_NAMESPACE,
      Kop: toXmlElements(KOP_FIELDS, { ...kop, ...data }),
      Inhoud: { Zorgmelding: zorgmeldingElements(payload) },
    },
  });
}

/** The elements of a (possibly policy-filtered) zorgmelding payload. */
export function zorgmeldingElements(payload: Readonly<Record<string, unknown>>): object {
  return toXmlElements(ZORGMELDING_FIELDS, payload);
}

/** The payload of a parsed `Zorgmelding` element; absent elements stay absent. */
export function zorgmeldingPayload(zorgmelding: unknown): Readonly<Record<string, unknown>> {
  return fromXmlElements(
    ZORGMELDING_FIELDS,
    typeof zorgmelding === 'object' && zorgmelding !== null
      ? (zorgmelding as Record<string, unknown>)
      : {},
  );
}
