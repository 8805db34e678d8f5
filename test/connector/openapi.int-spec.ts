import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { OpenAPIObject } from '@nestjs/swagger';
import { validate } from '@readme/openapi-parser';
import type { ConnectorAnswer, ConnectorApiClient } from '@samenloop/partner-side';
import {
  checkApiDesignRules,
  checkPublishedOpenApi,
} from '../../apps/connector/src/openapi/api-design-rules';
import { createConnectorCredentials } from '../support/connector-credentials';
import { ConnectorProcess } from '../support/connector-process';
import { newGatewayScenario } from '../support/gateway-scenario';
import { testKafka } from '../support/kafka-test-kit';
import { ROOT } from '../support/partner-kit';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** `METHOD /path` of every call in the README's API table, as the README writes them. */
function readmeRoutes(): string[] {
  const readme = readFileSync(path.join(ROOT, 'apps/connector/README.md'), 'utf8');
  return [...readme.matchAll(/^\| `(GET|POST|PUT|PATCH|DELETE) (\/[^`?\s]*)/gm)].map(
    ([, method, route]) => `${method} ${route}`,
  );
}

/** A fetch `Response` of an answer, for checks written against fetch. */
function asResponse(answer: ConnectorAnswer<unknown>): Response {
  const headers = new Headers();
  for (const [name, value] of Object.entries(answer.headers))
    for (const one of [value].flat()) if (one !== undefined) headers.append(name, one);
  return new Response(JSON.stringify(answer.body), { status: answer.status, headers });
}

/**
 * The contract a running connector — the real bundle, in either authentication mode — publishes:
 * a valid OpenAPI 3.1 document that follows the Dutch API Design Rules, in which every operation
 * is a route the connector answers and every call of the README is described.
 */
describe('the published OpenAPI document of a running connector', () => {
  const kafka = testKafka();
  const connectors = new Map<'mtls' | 'oauth2', ConnectorProcess>();

  beforeAll(async () => {
    const scenario = await newGatewayScenario(kafka);
    for (const mode of ['mtls', 'oauth2'] as const)
      connectors.set(
        mode,
        await ConnectorProcess.create(scenario, 'VT-ZOB', await createConnectorCredentials(), {
          mode,
        }),
      );
    await Promise.all([...connectors.values()].map((connector) => connector.start()));
  });

  afterAll(async () => {
    for (const connector of connectors.values()) await connector.kill('SIGTERM');
  });

  const published = async (mode: 'mtls' | 'oauth2') => {
    const api = connectors.get(mode)!.client();
    const answer = await api.call<OpenAPIObject>('GET', '/openapi.json');
    expect(answer.status).toBe(200);
    return { api, document: answer.body };
  };

  describe.each(['mtls', 'oauth2'] as const)('in %s mode', (mode) => {
    it('serves an OpenAPI 3.1 document the OpenAPI parser validates and the design rules pass', async () => {
      const { api, document } = await published(mode);

      expect(document.openapi).toBe('3.1.0');
      expect(await validate(structuredClone(document) as never)).toMatchObject({
        valid: true,
        specification: 'OpenAPI',
      });
      expect(checkApiDesignRules(document)).toEqual([]);
      expect(
        await checkPublishedOpenApi(async (location) =>
          asResponse(await api.call<unknown>('GET', location)),
        ),
      ).toEqual([]);
      expect(Object.values(document.components?.securitySchemes ?? {})).toEqual([
        mode === 'mtls'
          ? expect.objectContaining({ type: 'mutualTLS' })
          : expect.objectContaining({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }),
      ]);
    });

    it('answers every operation of the document at its route, with a status the document lists', async () => {
      const { api, document } = await published(mode);
      const operations = operationsOf(document);

      const answers = await Promise.all(
        operations.map(async ({ method, url, responses }) => {
          // Ids that are not UUIDs and a body without its header: the route's own checks answer.
          const answer = await callRoute(api, method, url.replaceAll(/\{[^}]+\}/g, 'geen-uuid'));
          return { operation: `${method} ${url}`, status: answer.status, responses };
        }),
      );

      expect(operations.length).toBeGreaterThan(0);
      for (const { operation, status, responses } of answers) {
        expect({ operation, status }).not.toEqual({ operation, status: 404 });
        expect({ operation, documented: responses.includes(String(status)) }).toEqual({
          operation,
          documented: true,
        });
      }
      // And what is not in the document is not there: the check above can tell the difference.
      expect((await callRoute(api, 'GET', '/v1/onbekend')).status).toBe(404);
      expect((await callRoute(api, 'DELETE', '/v1/berichten')).status).toBe(404);
    });

    it("describes exactly the README's /v1 calls; the rest are the document itself and /health", async () => {
      const { api, document } = await published(mode);
      const routes = readmeRoutes();
      const server = document.servers?.[0]?.url;

      expect(server).toBe('/v1');
      const versioned = routes.filter((route) => route.split(' ')[1]!.startsWith(`${server}/`));
      expect(versioned.sort()).toEqual(
        operationsOf(document)
          .map(({ method, url }) => `${method} ${url}`)
          .sort(),
      );
      // Outside the API's base path, on purpose: the document (also at /v1/openapi.json, which
      // checkPublishedOpenApi fetched) and the operational liveness check (@ApiExcludeController).
      expect(routes.filter((route) => !versioned.includes(route)).sort()).toEqual([
        'GET /health',
        'GET /openapi.json',
      ]);
      expect((await callRoute(api, 'GET', '/health')).status).toBe(200);
    });
  });
});

/** Every operation of the document: its method, full URL path (server included) and documented statuses. */
function operationsOf(
  document: OpenAPIObject,
): { method: string; url: string; responses: string[] }[] {
  return Object.entries(document.paths).flatMap(([route, item]) =>
    METHODS.filter((method) => item[method] !== undefined).map((method) => {
      const server = item.servers?.[0]?.url ?? document.servers?.[0]?.url ?? '/';
      return {
        method: method.toUpperCase(),
        url: `${server === '/' ? '' : server}${route}`,
        responses: Object.keys(item[method]!.responses),
      };
    }),
  );
}

function callRoute(api: ConnectorApiClient, method: string, url: string) {
  return api.call<unknown>(method, url, method === 'POST' ? { body: {} } : {});
}
