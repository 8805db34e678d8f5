import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { dataschemaOf } from '../dataschema';
import {
  CLOUDEVENTS_HEADERS,
  CONTENT_TYPE_HEADER,
  HUB_DOCUMENT_TYPES,
  hubDocumentCloudEventType,
  hubDocumentHeaders,
  hubDocumentTypeOf,
} from './hub-document-headers';

const ASYNCAPI = path.resolve(__dirname, '../../../../schemas/asyncapi.yaml');

interface HeaderSchema {
  readonly properties: Record<string, { readonly enum?: readonly string[] }>;
}

describe(hubDocumentHeaders.name, () => {
  const headers = hubDocumentHeaders({
    id: 'delivery-1',
    source: 'urn:nld:oin:00000099000000009001:systeem:samenloop',
    type: 'delivery',
    time: new Date('2026-11-24T12:00:00Z'),
    traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
  });

  it('writes the CloudEvents binary-mode headers the hub documents in schemas/asyncapi.yaml', () => {
    const documented = (
      parse(readFileSync(ASYNCAPI, 'utf8')) as {
        components: { messageTraits: { hubDocument: { headers: HeaderSchema } } };
      }
    ).components.messageTraits.hubDocument.headers.properties;

    expect(Object.keys(headers).sort()).toEqual(Object.keys(documented).sort());
    expect(documented[CLOUDEVENTS_HEADERS.type]?.enum).toEqual(
      HUB_DOCUMENT_TYPES.map(hubDocumentCloudEventType),
    );
  });

  it('names the type, the current schema version and the encrypted content', () => {
    expect(headers).toMatchObject({
      ce_specversion: '1.0',
      ce_id: 'delivery-1',
      ce_type: 'nl.samenloop.delivery',
      ce_time: '2026-11-24T12:00:00.000Z',
      ce_dataschema: dataschemaOf('delivery'),
      [CONTENT_TYPE_HEADER]: 'application/pgp-encrypted',
    });
  });

  it('leaves the trace header out when there is no trace to carry', () => {
    const untraced = hubDocumentHeaders({
      id: 'receipt-1',
      source: 'urn:nld:oin:00000099000000009001:systeem:samenloop',
      type: 'receipt',
      time: new Date(),
    });

    expect(untraced).not.toHaveProperty(CLOUDEVENTS_HEADERS.traceparent);
  });
});

describe(hubDocumentTypeOf.name, () => {
  it('reads the document type from text or bytes, as Kafka clients hand headers over', () => {
    expect(hubDocumentTypeOf({ ce_type: 'nl.samenloop.rejection' })).toBe('rejection');
    expect(hubDocumentTypeOf({ ce_type: Buffer.from('nl.samenloop.receipt') })).toBe('receipt');
    expect(hubDocumentTypeOf({ ce_type: [Buffer.from('nl.samenloop.delivery')] })).toBe('delivery');
  });

  it('says a record is no hub document when its type is missing or another one', () => {
    expect(hubDocumentTypeOf(undefined)).toBeUndefined();
    expect(hubDocumentTypeOf({})).toBeUndefined();
    expect(hubDocumentTypeOf({ ce_type: 'nl.samenloop.zorgmelding' })).toBeUndefined();
  });
});
