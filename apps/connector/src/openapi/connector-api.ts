/**
 * What the connector's HTTP API promises about itself, in one place: the document's `info`, the
 * `API-Version` header and the base path all derive from these.
 */

/** Semantic version of the API (ADR API-56 `/core/semver`), sent as `API-Version` (API-57). */
export const CONNECTOR_API_VERSION = '1.0.0';

/** The major version in the URI (ADR API-20 `/core/uri-version`); every operation lives under it. */
export const CONNECTOR_API_BASE_PATH = `/v${CONNECTOR_API_VERSION.split('.')[0]}`;

/** Where the document is served: the README's `/openapi.json`, and ADR API-51's base-path location. */
export const OPENAPI_DOCUMENT_PATHS: readonly string[] = [
  '/openapi.json',
  `${CONNECTOR_API_BASE_PATH}/openapi.json`,
];

/** ADR API-57 `/core/version-header`: the full version on every response. */
export const API_VERSION_HEADER = 'API-Version';

/**
 * The resource names the API is designed with (apps/connector/README.md): Dutch plural nouns for
 * collections (ADR API-54 `/core/naming-collections`), `bevestiging` a singular sub-resource.
 */
export const CONNECTOR_RESOURCE_NAMES: readonly string[] = [
  'berichten',
  'ontvangen',
  'bevestiging',
];

/**
 * `info.contact` (ADR `/core/doc-openapi-contact` wants name, url and email). The connector runs in
 * the partner's network, but the API is the chain's: questions about it go to the hub's maintainers.
 */
export const CONNECTOR_API_CONTACT = {
  name: 'Samenloop beheer',
  url: 'https://samenloop.example/connector',
  email: 'beheer@samenloop.example',
} as const;
