export {
  CLOUDEVENTS_HEADERS,
  CLOUDEVENTS_SPEC_VERSION,
  CLOUDEVENTS_TYPE_PREFIX,
  CONTENT_TYPE_HEADER,
  HUB_DOCUMENT_TYPES,
  hubDocumentCloudEventType,
  hubDocumentHeaders,
  hubDocumentTypeOf,
  PGP_ENCRYPTED,
} from './hub-document-headers';
export type { HubDocumentType, RecordHeaders } from './hub-document-headers';
export { RECORD_MAC_HEADER } from './record-mac-header';
