import type { Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Controller, Get, Module, type INestApplication } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, NestFactory } from '@nestjs/core';
import { readFileSync } from 'node:fs';
import { ConnectorApiClient } from '@samenloop/partner-side';
import {
  createConnectorCredentials,
  TEST_AUDIENCE,
  TEST_ISSUER,
  type ConnectorCredentials,
} from '../../../../test/support/connector-credentials';
import type { ConnectorSettings } from '../config/connector-settings';
import { CONNECTOR_SETTINGS } from '../connector.tokens';
import { ProblemDetailsFilter } from '../problem/problem-details.filter';
import { AuthenticationGuard } from './authentication.guard';
import { connectorHttpsOptions } from './connector-https';
import { PublicEndpoint } from './public-endpoint.decorator';

@Controller('v1/proef')
class ProbeController {
  @Get()
  probe() {
    return { bereikt: true };
  }
}

/** As `/health` is: marked public, so the guard lets it through without credentials. */
@Controller('health')
class PublicProbeController {
  @Get()
  @PublicEndpoint()
  probe() {
    return { status: 'ok' };
  }
}

let credentials: ConnectorCredentials;

beforeAll(async () => {
  credentials = await createConnectorCredentials();
});

/** The connector's HTTPS server, guard and problem filter around a probe route. */
async function startApi(mode: 'mtls' | 'oauth2'): Promise<{ app: INestApplication; url: string }> {
  const settings = {
    tls: { certFile: credentials.server.certFile, keyFile: credentials.server.keyFile },
    authentication:
      mode === 'mtls'
        ? { mode, clientCaFile: credentials.caFile }
        : {
            mode,
            jwks: { file: credentials.jwksFile },
            issuer: TEST_ISSUER,
            audience: TEST_AUDIENCE,
          },
  } as ConnectorSettings;
  @Module({
    controllers: [ProbeController, PublicProbeController],
    providers: [
      { provide: CONNECTOR_SETTINGS, useValue: settings },
      { provide: APP_GUARD, useClass: AuthenticationGuard },
      { provide: APP_FILTER, useClass: ProblemDetailsFilter },
    ],
  })
  class ApiModule {}
  const app = await NestFactory.create(ApiModule, {
    httpsOptions: connectorHttpsOptions(settings),
    logger: false,
  });
  await app.listen(0, '127.0.0.1');
  const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
  return { app, url: `https://127.0.0.1:${port}` };
}

describe(AuthenticationGuard.name, () => {
  describe('with OAuth2 bearer tokens', () => {
    let app: INestApplication;
    let url: string;
    const ca = () => readFileSync(credentials.caFile);
    const withToken = (token: () => Promise<string | undefined>) =>
      new ConnectorApiClient(url, { ca: ca() }, { token, keepAlive: false });

    beforeAll(async () => ({ app, url } = await startApi('oauth2')));
    afterAll(() => app.close());

    it('lets a valid token through', async () => {
      const response = await withToken(() => credentials.token()).call('GET', '/v1/proef');

      expect(response).toMatchObject({ status: 200, body: { bereikt: true } });
    });

    it('refuses a call without a token with 401 problem+json and a Bearer challenge', async () => {
      const response = await withToken(() => Promise.resolve(undefined)).call('GET', '/v1/proef');

      expect(response.status).toBe(401);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.headers['www-authenticate']).toMatch(/^Bearer realm=/);
      expect(response.body).toEqual({
        type: 'about:blank',
        title: 'Unauthorized',
        status: 401,
        detail: expect.stringContaining('bearer token is required') as unknown,
        instance: '/v1/proef',
      });
    });

    it.each([
      ['for another audience', () => credentials.token({ audience: 'another-api' })],
      ['that expired', () => credentials.token({ expiresIn: Math.floor(Date.now() / 1000) - 300 })],
      ['signed with a key outside the JWKS', () => credentials.token({ signedByStranger: true })],
      ['that is no JWT at all', () => Promise.resolve('not.a.jwt')],
    ])('refuses a token %s with 401 and error="invalid_token"', async (_case, token) => {
      const response = await withToken(token).call('GET', '/v1/proef');

      expect(response.status).toBe(401);
      expect(response.headers['www-authenticate']).toContain('error="invalid_token"');
      expect(response.body).toMatchObject({ status: 401, title: 'Unauthorized' });
    });

    it('answers /health without a token', async () => {
      const response = await withToken(() => Promise.resolve(undefined)).call('GET', '/health');

      expect(response).toMatchObject({ status: 200, body: { status: 'ok' } });
    });
  });

  describe('with mTLS', () => {
    let app: INestApplication;
    let url: string;
    const clientOf = (files?: { certFile: string; keyFile: string }) =>
      new ConnectorApiClient(
        url,
        {
          ca: readFileSync(credentials.caFile),
          ...(files && { cert: readFileSync(files.certFile), key: readFileSync(files.keyFile) }),
        },
        { keepAlive: false },
      );

    beforeAll(async () => ({ app, url } = await startApi('mtls')));
    afterAll(() => app.close());

    it("lets a client certificate of the partner's CA through", async () => {
      const response = await clientOf(credentials.client).call('GET', '/v1/proef');

      expect(response).toMatchObject({ status: 200, body: { bereikt: true } });
    });

    it('refuses the TLS handshake without a client certificate', async () => {
      await expect(clientOf().call('GET', '/v1/proef')).rejects.toThrow();
    });

    it('refuses the TLS handshake with a certificate of another CA', async () => {
      await expect(clientOf(credentials.strangerClient).call('GET', '/v1/proef')).rejects.toThrow();
    });
  });
});
