import type {
  OpenAPIObject,
  OperationObject,
  ParameterObject,
  PathItemObject,
  ReferenceObject,
  ResponseObject,
} from '@nestjs/swagger';
import {
  API_VERSION_HEADER,
  CONNECTOR_RESOURCE_NAMES,
  OPENAPI_DOCUMENT_PATHS,
} from './connector-api';
import { PROBLEM_CONTENT_TYPE } from '../problem/problem-details';

/**
 * The Dutch API Design Rules (Logius, https://logius-standaarden.github.io/API-Design-Rules/) the
 * connector's OpenAPI document is checked against: each rule by its ADR 1.x number where it has
 * one (`API-20`), else by its ADR 2.x id; the last three come from the ADR's Spectral ruleset
 * (developer.overheid.nl) and spectral:oas, which it extends.
 */
export const API_DESIGN_RULES = {
  'API-03': '/core/http-methods: only standard HTTP methods',
  'API-16': '/core/doc-openapi: OpenAPI 3.x',
  'API-20': '/core/uri-version: the major version in the URI',
  'API-48': '/core/no-trailing-slash',
  'API-51': '/core/publish-openapi: openapi.json at a standard location, readable cross-origin',
  'API-54': '/core/naming-collections: plural nouns for collections',
  'API-56': '/core/semver',
  'API-57': '/core/version-header: API-Version on every response',
  '/core/path-segments-kebab-case': 'kebab-case path segments',
  '/core/doc-openapi-contact': 'info.contact with name, url and email',
  '/core/transport/no-sensitive-uris': 'no sensitive information in URIs',
  'nlgov:use-problem-schema': 'application/problem+json (RFC 9457) for 4xx and 5xx',
  'operation-operationId': 'every operation has an operationId',
  'operation-summary': 'every operation has a summary',
} as const;

export type ApiDesignRule = keyof typeof API_DESIGN_RULES;

export interface ApiDesignViolation {
  readonly rule: ApiDesignRule;
  /** JSON pointer into the document, e.g. `/paths/~1berichten/post/responses/400`. */
  readonly path: string;
  readonly message: string;
}

export interface ApiDesignRuleOptions {
  /** Allowed resource names (ADR API-54); the README's by default. */
  readonly resourceNames?: readonly string[];
}

/** Standard methods (ADR API-03 `/core/http-methods`): GET, POST, PUT, PATCH, DELETE. */
const STANDARD_METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
const OTHER_METHODS = ['head', 'options', 'trace'] as const;

/**
 * Parameter names that could carry personal data (`/core/transport/no-sensitive-uris`: URIs end
 * up in logs and browser histories). Matched as parts of the name, so `geboortedatumVan` counts.
 */
const PERSONAL_DATA_TERMS = [
  'bsn',
  'burgerservicenummer',
  'anummer',
  'naam',
  'name',
  'geboorte',
  'birth',
  'postcode',
  'zipcode',
  'adres',
  'address',
  'straat',
  'street',
  'huisnummer',
  'woonplaats',
  'email',
  'mail',
  'telefoon',
  'phone',
  'mobiel',
  'iban',
  'geslacht',
  'nationaliteit',
] as const;

const KEBAB_CASE = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const PATH_PARAMETER = /^\{[^}]+\}$/;
const ID_NAME = /^(id|[a-z][a-zA-Z0-9]*Id)$/;
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

/** Every violation of the rules above in `document`; none for a conforming one. */
export function checkApiDesignRules(
  document: OpenAPIObject,
  options: ApiDesignRuleOptions = {},
): ApiDesignViolation[] {
  const resourceNames = options.resourceNames ?? CONNECTOR_RESOURCE_NAMES;
  return [
    ...checkDocument(document),
    ...Object.entries(document.paths).flatMap(([path, item]) => [
      ...checkPath(document, path, item, resourceNames),
      ...operationsOf(item).flatMap(([method, operation]) =>
        checkOperation(document, path, item, method, operation),
      ),
    ]),
  ];
}

function checkDocument(document: OpenAPIObject): ApiDesignViolation[] {
  const violations: ApiDesignViolation[] = [];
  if (!/^3\.\d+\.\d+$/.test(document.openapi ?? '')) {
    violations.push(violation('API-16', '/openapi', 'Describe the API in OpenAPI 3.x.'));
  }
  if (!SEMVER.test(document.info.version)) {
    violations.push(
      violation(
        'API-56',
        '/info/version',
        `info.version "${document.info.version}" is not a semantic version (major.minor.patch).`,
      ),
    );
  }
  const contact = document.info.contact;
  const missing = (['name', 'url', 'email'] as const).filter((field) => !contact?.[field]);
  if (missing.length > 0) {
    violations.push(
      violation(
        '/core/doc-openapi-contact',
        '/info/contact',
        `info.contact must name who answers questions about the API; missing: ${missing.join(', ')}.`,
      ),
    );
  }
  if (!document.servers || document.servers.length === 0) {
    violations.push(
      violation('API-20', '/servers', 'Declare servers with the major version in their URL.'),
    );
  }
  document.servers?.forEach((server, index) =>
    violations.push(...checkServerUrl(document, server.url, `/servers/${index}/url`)),
  );
  return violations;
}

/** ADR API-20: the base path ends with `/v<major>` of `info.version`, e.g. `/v1` for 1.2.3. */
function checkServerUrl(
  document: OpenAPIObject,
  url: string,
  pointer: string,
): ApiDesignViolation[] {
  const major = document.info.version.split('.')[0];
  return new RegExp(`/v${major}/?$`).test(url)
    ? []
    : [
        violation(
          'API-20',
          pointer,
          `Server URL "${url}" must end with the major version /v${major}: put every operation under it.`,
        ),
      ];
}

function checkPath(
  document: OpenAPIObject,
  path: string,
  item: PathItemObject,
  resourceNames: readonly string[],
): ApiDesignViolation[] {
  const at = `/paths/${pointerToken(path)}`;
  const violations: ApiDesignViolation[] = [];
  item.servers?.forEach((server, index) =>
    violations.push(...checkServerUrl(document, server.url, `${at}/servers/${index}/url`)),
  );
  if (path.length > 1 && path.endsWith('/')) {
    violations.push(
      violation('API-48', at, `Leave off the trailing slash: "${path.slice(0, -1)}".`),
    );
  }
  for (const segment of path.split('/').filter((part) => part !== '')) {
    if (PATH_PARAMETER.test(segment)) continue;
    if (!KEBAB_CASE.test(segment)) {
      violations.push(
        violation(
          '/core/path-segments-kebab-case',
          at,
          `Path segment "${segment}" must be lower-case kebab-case.`,
        ),
      );
    } else if (!resourceNames.includes(segment)) {
      violations.push(
        violation(
          'API-54',
          at,
          `Path segment "${segment}" is not one of the API's resource names (${resourceNames.join(', ')}); collections are plural nouns.`,
        ),
      );
    }
  }
  for (const method of OTHER_METHODS) {
    if (item[method]) {
      violations.push(
        violation(
          'API-03',
          `${at}/${method}`,
          `${method.toUpperCase()} is not a standard method; use GET, POST, PUT, PATCH or DELETE.`,
        ),
      );
    }
  }
  return violations;
}

function checkOperation(
  document: OpenAPIObject,
  path: string,
  item: PathItemObject,
  method: string,
  operation: OperationObject,
): ApiDesignViolation[] {
  const at = `/paths/${pointerToken(path)}/${method}`;
  const violations: ApiDesignViolation[] = [];
  if (!operation.operationId) {
    violations.push(
      violation(
        'operation-operationId',
        at,
        `${method.toUpperCase()} ${path} needs an operationId.`,
      ),
    );
  }
  if (!operation.summary) {
    violations.push(
      violation('operation-summary', at, `${method.toUpperCase()} ${path} needs a summary.`),
    );
  }
  const parameters = [...(item.parameters ?? []), ...(operation.parameters ?? [])];
  parameters.forEach((reference, index) => {
    const parameter = resolve<ParameterObject>(document, reference);
    if (!parameter) return;
    violations.push(...checkParameter(parameter, `${at}/parameters/${index}`));
  });
  for (const [status, reference] of Object.entries(operation.responses)) {
    const response = reference && resolve<ResponseObject>(document, reference);
    if (!response) continue;
    violations.push(...checkResponse(status, response, `${at}/responses/${status}`));
  }
  return violations;
}

function checkParameter(parameter: ParameterObject, at: string): ApiDesignViolation[] {
  if (parameter.in !== 'query' && parameter.in !== 'path') return [];
  const normalised = parameter.name.toLowerCase().replace(/[^a-z0-9]/g, '');
  const term = PERSONAL_DATA_TERMS.find((candidate) => normalised.includes(candidate));
  if (term) {
    return [
      violation(
        '/core/transport/no-sensitive-uris',
        at,
        `${parameter.in} parameter "${parameter.name}" could carry personal data ("${term}"), which never goes in a URI: send it in the body.`,
      ),
    ];
  }
  if (parameter.in === 'path' && !ID_NAME.test(parameter.name)) {
    return [
      violation(
        '/core/transport/no-sensitive-uris',
        at,
        `Path parameter "${parameter.name}" must be an identifier (id or …Id), not a value that could describe a person.`,
      ),
    ];
  }
  return [];
}

function checkResponse(status: string, response: ResponseObject, at: string): ApiDesignViolation[] {
  if (/^[23]\d\d$/.test(status)) {
    const headers = Object.keys(response.headers ?? {}).map((name) => name.toLowerCase());
    return headers.includes(API_VERSION_HEADER.toLowerCase())
      ? []
      : [
          violation(
            'API-57',
            `${at}/headers`,
            `A ${status} response must document the ${API_VERSION_HEADER} header.`,
          ),
        ];
  }
  if (/^[45]\d\d$/.test(status) && !response.content?.[PROBLEM_CONTENT_TYPE]) {
    return [
      violation(
        'nlgov:use-problem-schema',
        `${at}/content`,
        `A ${status} response must be ${PROBLEM_CONTENT_TYPE} (RFC 9457 problem details).`,
      ),
    ];
  }
  return [];
}

function operationsOf(item: PathItemObject): [string, OperationObject][] {
  return [...STANDARD_METHODS, ...OTHER_METHODS].flatMap((method) => {
    const operation = item[method];
    return operation ? [[method, operation] as [string, OperationObject]] : [];
  });
}

/** A local `#/components/...` reference followed; anything else is left unchecked. */
function resolve<T>(document: OpenAPIObject, value: T | ReferenceObject): T | undefined {
  if (!value || typeof value !== 'object' || !('$ref' in value)) return value;
  const [hash, ...tokens] = value.$ref.split('/');
  if (hash !== '#') return undefined;
  let node: unknown = document;
  for (const token of tokens) {
    if (!node || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[token.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return node as T | undefined;
}

function pointerToken(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

function violation(rule: ApiDesignRule, path: string, message: string): ApiDesignViolation {
  return { rule, path, message };
}

/**
 * API-51 and API-57 on the running app: `get(path)` fetches a path of the API (with whatever
 * TLS and credentials the caller needs); each document location must answer with the document,
 * readable cross-origin, and with `API-Version`.
 */
export async function checkPublishedOpenApi(
  get: (path: string) => Promise<Response>,
): Promise<ApiDesignViolation[]> {
  const violations: ApiDesignViolation[] = [];
  for (const location of OPENAPI_DOCUMENT_PATHS) {
    const response = await get(location);
    const problems = [
      response.status !== 200 && `answers ${response.status}, not 200`,
      !response.headers.get('content-type')?.startsWith('application/json') &&
        'is not served as application/json',
      response.headers.get('access-control-allow-origin') !== '*' &&
        'lacks Access-Control-Allow-Origin: *',
      response.status === 200 &&
        !/^3\.\d+\.\d+$/.test(String(((await response.json()) as { openapi?: unknown }).openapi)) &&
        'is not an OpenAPI 3.x document',
    ].filter((problem): problem is string => typeof problem === 'string');
    if (problems.length > 0) {
      violations.push(violation('API-51', location, `${location} ${problems.join('; ')}.`));
    }
    if (!SEMVER.test(response.headers.get(API_VERSION_HEADER) ?? '')) {
      violations.push(
        violation('API-57', location, `${location} lacks a semantic ${API_VERSION_HEADER} header.`),
      );
    }
  }
  return violations;
}
