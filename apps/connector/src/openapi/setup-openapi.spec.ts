import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import { validate } from '@readme/openapi-parser';
import { checkPublishedOpenApi } from './api-design-rules';
import { CONNECTOR_API_VERSION } from './connector-api';
import { CONNECTOR_API_FIXTURES } from './fixtures/connector-api.fixture';
import { documentFor, openApiTestApp } from './fixtures/openapi-test-app';
import { setupOpenApi } from './setup-openapi';

describe(setupOpenApi.name, () => {
  it('builds an OpenAPI 3.1 document from the controllers that the OpenAPI parser validates', async () => {
    const document = await documentFor(CONNECTOR_API_FIXTURES);

    expect(document.openapi).toBe('3.1.0');
    const result = await validate(structuredClone(document) as never);
    expect(result).toMatchObject({ valid: true, specification: 'OpenAPI' });
  });

  it("describes the README's calls relative to the /v1 server", async () => {
    const document = await documentFor(CONNECTOR_API_FIXTURES);

    expect(document.servers).toEqual([expect.objectContaining({ url: '/v1' })]);
    expect(
      Object.entries(document.paths).flatMap(([path, item]) =>
        ['get', 'post'].filter((method) => method in item).map((method) => `${method} ${path}`),
      ),
    ).toEqual([
      'post /berichten',
      'get /berichten/{id}',
      'get /ontvangen',
      'post /ontvangen/{id}/bevestiging',
    ]);
    expect(document.info).toMatchObject({ version: CONNECTOR_API_VERSION });
  });

  it('documents 4xx responses with the problem details schema', async () => {
    const document = await documentFor(CONNECTOR_API_FIXTURES);

    expect(document.paths['/berichten']?.post?.responses['400']).toMatchObject({
      content: {
        'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } },
      },
    });
    expect(document.components?.schemas?.['Problem']).toMatchObject({
      required: ['type', 'title', 'status', 'detail'],
    });
  });

  it('requires a client certificate on every call in mTLS mode', async () => {
    const document = await documentFor(CONNECTOR_API_FIXTURES);

    expect(document.components?.securitySchemes).toEqual({
      mutualTLS: expect.objectContaining({ type: 'mutualTLS' }) as unknown,
    });
    expect(document.security).toEqual([{ mutualTLS: [] }]);
  });

  it('requires an OAuth2 client-credentials token on every call in OAuth2 mode', async () => {
    const { app, document } = await openApiTestApp(CONNECTOR_API_FIXTURES, {
      mode: 'oauth2',
      jwks: { file: '/etc/jwks.json' },
      issuer: 'https://idp.example',
      audience: 'connector',
      tokenUrl: 'https://idp.example/oauth2/token',
    });
    await app.close();

    expect(document.components?.securitySchemes?.['oauth2']).toMatchObject({
      type: 'oauth2',
      flows: { clientCredentials: { tokenUrl: 'https://idp.example/oauth2/token', scopes: {} } },
    });
    expect(document.security).toEqual([{ oauth2: [] }]);
    expect((await validate(structuredClone(document) as never)).valid).toBe(true);
  });

  it('describes the OAuth2 token as a bearer JWT when no token endpoint is configured', async () => {
    const { app, document } = await openApiTestApp(CONNECTOR_API_FIXTURES, {
      mode: 'oauth2',
      jwks: { url: 'https://idp.example/jwks' },
      issuer: 'https://idp.example',
      audience: 'connector',
    });
    await app.close();

    expect(document.components?.securitySchemes?.['bearerJwt']).toMatchObject({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
    });
    expect(document.security).toEqual([{ bearerJwt: [] }]);
  });

  describe('on a running app', () => {
    let app: INestApplication;
    let baseUrl: string;

    beforeAll(async () => {
      ({ app } = await openApiTestApp(CONNECTOR_API_FIXTURES));
      await app.listen(0, '127.0.0.1');
      const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
      baseUrl = `http://127.0.0.1:${port}`;
    });

    afterAll(() => app.close());

    it('serves the document at /openapi.json and /v1/openapi.json, cross-origin readable', async () => {
      const document = await documentFor(CONNECTOR_API_FIXTURES);

      expect(await checkPublishedOpenApi((path) => fetch(`${baseUrl}${path}`))).toEqual([]);
      for (const path of ['/openapi.json', '/v1/openapi.json']) {
        expect(await (await fetch(`${baseUrl}${path}`)).json()).toEqual(
          JSON.parse(JSON.stringify(document)),
        );
      }
    });

    it('sends API-Version on API responses, errors included', async () => {
      const ok = await fetch(`${baseUrl}/v1/berichten/0b8f3a52-0000-4000-8000-000000000001`);
      const notFound = await fetch(`${baseUrl}/v1/onbekend`);

      expect([ok.status, ok.headers.get('api-version')]).toEqual([200, CONNECTOR_API_VERSION]);
      expect([notFound.status, notFound.headers.get('api-version')]).toEqual([
        404,
        CONNECTOR_API_VERSION,
      ]);
    });

    it('answers a URI with a trailing slash with 404 problem details, not the resource', async () => {
      const response = await fetch(`${baseUrl}/v1/ontvangen/?limiet=1`);

      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(await response.json()).toMatchObject({ status: 404, title: 'Not Found' });
      expect((await fetch(`${baseUrl}/v1/ontvangen?limiet=1`)).status).toBe(200);
    });
  });
});
