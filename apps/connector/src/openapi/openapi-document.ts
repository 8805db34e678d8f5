import type { INestApplication } from '@nestjs/common';
import {
  DocumentBuilder,
  SwaggerModule,
  type OpenAPIObject,
  type PathItemObject,
  type ResponseObject,
  type SecuritySchemeObject,
} from '@nestjs/swagger';
import type { ConnectorAuthentication } from '../config/connector-settings';
import {
  API_VERSION_HEADER,
  CONNECTOR_API_BASE_PATH,
  CONNECTOR_API_CONTACT,
  CONNECTOR_API_VERSION,
} from './connector-api';

const DESCRIPTION = [
  "The partner connector: a case system's way into the Samenloop hub over plain HTTPS.",
  'Submit messages, follow their status, and take over what the hub sent this partner, each document acknowledged once.',
  'No personal data in a path or query string; errors are RFC 9457 problem details.',
].join(' ');

/**
 * The OpenAPI 3.1 description of the connector's HTTP API, generated from the controllers'
 * `@nestjs/swagger` decorators. Call before `app.init()`/`listen()`: it reads the routes Nest knows.
 */
export function buildOpenApiDocument(
  app: INestApplication,
  authentication: ConnectorAuthentication,
): OpenAPIObject {
  const { name, url, email } = CONNECTOR_API_CONTACT;
  const config = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle('Samenloop partner connector')
    .setDescription(DESCRIPTION)
    .setVersion(CONNECTOR_API_VERSION)
    .setContact(name, url, email)
    .addServer(CONNECTOR_API_BASE_PATH, `Major version ${CONNECTOR_API_BASE_PATH.slice(2)}`)
    .build();
  const scanned = SwaggerModule.createDocument(app, config);
  const [schemeName, scheme] = securityScheme(authentication);
  return {
    ...scanned,
    paths: underBasePath(scanned.paths, CONNECTOR_API_BASE_PATH),
    components: {
      ...scanned.components,
      headers: {
        ...scanned.components?.headers,
        [API_VERSION_HEADER]: {
          description: 'The full semantic version of the API that answered.',
          schema: { type: 'string', example: CONNECTOR_API_VERSION },
        },
      },
      securitySchemes: { ...scanned.components?.securitySchemes, [schemeName]: scheme },
    },
    // Every operation needs it: there is no unauthenticated call.
    security: [{ [schemeName]: [] }],
  };
}

/**
 * The server URL carries the major version, so the paths are relative to it: `/v1/berichten` is
 * described as `/berichten` on server `/v1`. A path outside the base keeps its own server `/`, so
 * the document stays truthful and the design-rule check names it.
 */
function underBasePath(
  paths: Record<string, PathItemObject>,
  basePath: string,
): Record<string, PathItemObject> {
  return Object.fromEntries(
    Object.entries(paths).map(([path, item]) =>
      path.startsWith(`${basePath}/`)
        ? [path.slice(basePath.length), withVersionHeader(item)]
        : [path, { ...withVersionHeader(item), servers: [{ url: '/' }] }],
    ),
  );
}

const OPERATION_KEYS = [
  'get',
  'put',
  'post',
  'delete',
  'options',
  'head',
  'patch',
  'trace',
] as const;

/** The `API-Version` header is sent on every response (see `setupOpenApi`); 2xx/3xx document it. */
function withVersionHeader(item: PathItemObject): PathItemObject {
  const documented: PathItemObject = { ...item };
  for (const method of OPERATION_KEYS) {
    const operation = item[method];
    if (!operation) continue;
    const responses = Object.fromEntries(
      Object.entries(operation.responses).map(([status, response]) =>
        /^[23]\d\d$/.test(status) && response && !('$ref' in response)
          ? [status, withHeader(response)]
          : [status, response],
      ),
    );
    documented[method] = { ...operation, responses };
  }
  return documented;
}

function withHeader(response: ResponseObject): ResponseObject {
  return {
    ...response,
    headers: {
      ...response.headers,
      [API_VERSION_HEADER]: { $ref: `#/components/headers/${API_VERSION_HEADER}` },
    },
  };
}

/** OpenAPI 3.1's security scheme for how this connector authenticates its callers. */
function securityScheme(authentication: ConnectorAuthentication): [string, SecuritySchemeObject] {
  switch (authentication.mode) {
    case 'mtls':
      return [
        'mutualTLS',
        // `mutualTLS` is OpenAPI 3.1's; @nestjs/swagger's scheme type predates it.
        {
          type: 'mutualTLS',
          description: "A client certificate issued by the partner's own CA.",
        } as unknown as SecuritySchemeObject,
      ];
    case 'oauth2': {
      const description = `An OAuth2 client-credentials access token (a JWT) from ${authentication.issuer} for audience ${authentication.audience}, checked against its JWKS.`;
      // OpenAPI requires the token endpoint for an oauth2 scheme; without it, say what is checked.
      return authentication.tokenUrl
        ? [
            'oauth2',
            {
              type: 'oauth2',
              description,
              flows: { clientCredentials: { tokenUrl: authentication.tokenUrl, scopes: {} } },
            },
          ]
        : ['bearerJwt', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description }];
    }
  }
}
