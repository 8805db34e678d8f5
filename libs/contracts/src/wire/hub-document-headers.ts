import { dataschemaOf } from '../dataschema';

/**
 * The CloudEvents Kafka protocol binding in binary mode, as the hub writes its documents to a
 * partner's delivery topic: context attributes in `ce_*` headers, never personal data; the value
 * is the OpenPGP message (`schemas/asyncapi.yaml`, trait `hubDocument`).
 */
export const CLOUDEVENTS_HEADERS = Object.freeze({
  specversion: 'ce_specversion',
  id: 'ce_id',
  source: 'ce_source',
  type: 'ce_type',
  time: 'ce_time',
  dataschema: 'ce_dataschema',
  /** W3C trace context, carried from the submission to every document it leads to. */
  traceparent: 'ce_traceparent',
} as const);

export const CONTENT_TYPE_HEADER = 'content-type';
/** The value is an OpenPGP message (RFC 3156), signed by the hub and encrypted to the recipient. */
export const PGP_ENCRYPTED = 'application/pgp-encrypted';
export const CLOUDEVENTS_SPEC_VERSION = '1.0';

/** Every Samenloop CloudEvents type starts with it: `nl.samenloop.zorgmelding`, `nl.samenloop.delivery`. */
export const CLOUDEVENTS_TYPE_PREFIX = 'nl.samenloop.';

export const HUB_DOCUMENT_TYPES = ['delivery', 'receipt', 'rejection'] as const;
export type HubDocumentType = (typeof HUB_DOCUMENT_TYPES)[number];

/** The `ce_type` of a hub document, e.g. `nl.samenloop.delivery`. */
export function hubDocumentCloudEventType(type: HubDocumentType): string {
  return `${CLOUDEVENTS_TYPE_PREFIX}${type}`;
}

/** The headers of one hub document; its dataschema is the current version of the type's schema. */
export function hubDocumentHeaders(attributes: {
  readonly id: string;
  readonly source: string;
  readonly type: HubDocumentType;
  readonly time: Date;
  readonly traceparent?: string;
}): Record<string, string> {
  return {
    [CLOUDEVENTS_HEADERS.specversion]: CLOUDEVENTS_SPEC_VERSION,
    [CLOUDEVENTS_HEADERS.id]: attributes.id,
    [CLOUDEVENTS_HEADERS.source]: attributes.source,
    [CLOUDEVENTS_HEADERS.type]: hubDocumentCloudEventType(attributes.type),
    [CLOUDEVENTS_HEADERS.time]: attributes.time.toISOString(),
    [CLOUDEVENTS_HEADERS.dataschema]: dataschemaOf(attributes.type),
    [CONTENT_TYPE_HEADER]: PGP_ENCRYPTED,
    ...(attributes.traceparent
      ? { [CLOUDEVENTS_HEADERS.traceparent]: attributes.traceparent }
      : {}),
  };
}

/** Record headers as Kafka clients hand them over: text or bytes, sometimes repeated. */
export type RecordHeaders = Readonly<Record<string, unknown>> | undefined;

/** Which hub document a record is, from its `ce_type` header; undefined when it is none. */
export function hubDocumentTypeOf(headers: RecordHeaders): HubDocumentType | undefined {
  const raw = headers?.[CLOUDEVENTS_HEADERS.type];
  const first: unknown = Array.isArray(raw) ? (raw as readonly unknown[])[0] : raw;
  const type = first instanceof Uint8Array ? new TextDecoder().decode(first) : first;
  return HUB_DOCUMENT_TYPES.find((candidate) => hubDocumentCloudEventType(candidate) === type);
}
