import { dataschemaOf } from './dataschema';
import { SCHEMA_CATALOGUE } from './generated/schema-catalogue';

/** What a case system sends, before any check: the body as parsed JSON. */
export interface SubmissionBody {
  readonly type?: unknown;
  readonly occurredAt?: unknown;
  readonly zaakReferenties?: unknown;
  readonly relatesTo?: unknown;
  readonly payload?: unknown;
}

/** The sender's part of the envelope: who sends, which message, when, in which trace. */
export interface EnvelopeContext {
  readonly id: string;
  readonly source: string;
  readonly time: string;
  readonly traceparent: string;
}

/**
 * The CloudEvent (NL GOV profile) of a submission. Fields missing from the body stay missing, so
 * the contract validator names them as it does for a file (`samenloop validate`).
 */
export function submissionEvent(body: SubmissionBody, context: EnvelopeContext): object {
  const type = typeof body.type === 'string' ? body.type : String(body.type);
  return {
    specversion: '1.0',
    id: context.id,
    source: context.source,
    type: `nl.samenloop.${type}`,
    time: context.time,
    dataschema: currentDataschema(type),
    datacontenttype: 'application/json',
    traceparent: context.traceparent,
    data: {
      occurredAt: body.occurredAt,
      zaakReferenties: body.zaakReferenties,
      ...(body.relatesTo !== undefined && { relatesTo: body.relatesTo }),
      payload: body.payload,
    },
  };
}

/**
 * The type's current schema version; for a type the hub does not know, a well-formed name, so
 * the validator answers with its own "not a known message type" and the list of known ones.
 */
function currentDataschema(type: string): string {
  return SCHEMA_CATALOGUE.some((entry) => entry.name === type)
    ? dataschemaOf(type)
    : `https://schemas.samenloop.nl/${type}/v1.0`;
}
