import type { HubDocumentType } from '@samenloop/contracts';
import { AFLEVERING_XSD, ZORGMELDING_BERICHT_XSD } from './corv-schemas';
import { zorgmeldingElements } from './corv-zorgmelding';
import { genericElements } from './generic-xml';
import { buildXml } from './xml-document';
import { toXmlElements, type Field } from './xml-mapping';
import type { XsdCheck } from './xsd-validation';
import { SUBMISSION_KOP_FIELDS, ZORGMELDING_NAMESPACE } from './zorgmelding-mapping';

export const AFLEVERING_NAMESPACE = 'urn:nl:samenloop:corv:aflevering:1';

export const AFLEVERING_CHECK: XsdCheck = {
  label: 'corv-aflevering',
  schema: AFLEVERING_XSD,
  imports: [ZORGMELDING_BERICHT_XSD],
  root: 'Aflevering',
  namespace: AFLEVERING_NAMESPACE,
};

/** Each document type's own names for its id and its time. */
const KOP_SOURCES: Readonly<Record<HubDocumentType, { id: string; time: string }>> = {
  delivery: { id: 'deliveryId', time: 'deliveredAt' },
  receipt: { id: 'receiptId', time: 'acceptedAt' },
  rejection: { id: 'rejectionId', time: 'rejectedAt' },
};

const text = (json: string, xml: string): Field => ({ json, xml, value: 'text' });

const [OCCURRED_AT, ZAAK_REFERENTIES] = SUBMISSION_KOP_FIELDS;

const KOP_FIELDS: readonly Field[] = [
  text('soort', 'Soort'),
  text('documentId', 'DocumentId'),
  text('messageId', 'BerichtId'),
  text('messageType', 'Berichttype'),
  text('sender', 'Afzender'),
  text('recipient', 'Ontvanger'),
  text('niveau', 'Niveau'),
  text('tijdstip', 'Tijdstip'),
  ...[OCCURRED_AT, ZAAK_REFERENTIES].filter((field) => field !== undefined),
];

const ZORGMELDING_TYPE = 'nl.samenloop.zorgmelding';

/**
 * A hub document (delivery, receipt, rejection) as the XML a file-based case system takes from
 * its outbox (`schemas/corv/aflevering.v1.xsd`). A zorgmelding's payload is rendered with the
 * CORV zorgmelding mapping, whatever fields policy left in it; anything else generically.
 */
export function hubDocumentXml(
  document: Readonly<Record<string, unknown>>,
  type: HubDocumentType,
): string {
  const { payload, ...rest } = document;
  const sources = KOP_SOURCES[type];
  const kop = toXmlElements(KOP_FIELDS, {
    ...rest,
    soort: type,
    documentId: rest[sources.id],
    tijdstip: rest[sources.time],
  });
  return buildXml({
    Aflevering: {
      '@_xmlns': AFLEVERING_NAMESPACE,
      Kop: kop,
      Document: genericElements(rest),
      ...(isObject(payload) && { Inhoud: inhoud(payload, rest.messageType) }),
    },
  });
}

function inhoud(payload: Readonly<Record<string, unknown>>, messageType: unknown): object {
  return messageType === ZORGMELDING_TYPE
    ? { Zorgmelding: { '@_xmlns': ZORGMELDING_NAMESPACE, ...zorgmeldingElements(payload) } }
    : { Gegevens: genericElements(payload) };
}

function isObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
