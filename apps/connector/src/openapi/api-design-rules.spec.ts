import type { Type } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';
import { checkApiDesignRules, checkPublishedOpenApi, type ApiDesignRule } from './api-design-rules';
import { CONNECTOR_API_FIXTURES } from './fixtures/connector-api.fixture';
import {
  ErrorWithoutProblemDetails,
  NonStandardMethod,
  PersonalDataInPath,
  PersonalDataInQuery,
  SingularResource,
  Undocumented,
  Unversioned,
  UpperCaseResource,
} from './fixtures/design-rule-violations.fixture';
import { documentFor } from './fixtures/openapi-test-app';

async function violationsOf(controller: Type): Promise<[ApiDesignRule, string][]> {
  return checkApiDesignRules(await documentFor([controller])).map((v) => [v.rule, v.path]);
}

/** The README's API, changed by `edit`: for rules a Nest controller cannot break. */
async function editedDocument(edit: (document: OpenAPIObject) => void): Promise<OpenAPIObject> {
  const document = structuredClone(await documentFor(CONNECTOR_API_FIXTURES));
  edit(document);
  return document;
}

describe(checkApiDesignRules.name, () => {
  it("finds nothing wrong with the README's API as the connector describes it", async () => {
    expect(checkApiDesignRules(await documentFor(CONNECTOR_API_FIXTURES))).toEqual([]);
  });

  it('requires every operation under the major version (API-20)', async () => {
    expect(await violationsOf(Unversioned)).toEqual([
      ['API-20', '/paths/~1berichten/servers/0/url'],
    ]);
  });

  it('requires the server URL to carry the major version of info.version (API-20)', async () => {
    const document = await editedDocument((d) => {
      d.servers = [{ url: 'https://connector.example/v2' }];
    });

    expect(checkApiDesignRules(document).map((v) => [v.rule, v.path])).toEqual([
      ['API-20', '/servers/0/url'],
    ]);
  });

  it('rejects a trailing slash (API-48)', async () => {
    const document = await editedDocument((d) => {
      d.paths['/ontvangen/'] = d.paths['/ontvangen']!;
      delete d.paths['/ontvangen'];
    });

    expect(checkApiDesignRules(document).map((v) => [v.rule, v.path])).toEqual([
      ['API-48', '/paths/~1ontvangen~1'],
    ]);
  });

  it('rejects a resource name that is not lower-case kebab-case', async () => {
    expect(await violationsOf(UpperCaseResource)).toEqual([
      ['/core/path-segments-kebab-case', '/paths/~1Berichten'],
    ]);
  });

  it("rejects a resource name that is not one of the API's plural resources (API-54)", async () => {
    expect(await violationsOf(SingularResource)).toEqual([['API-54', '/paths/~1bericht']]);
  });

  it('rejects methods other than GET, POST, PUT, PATCH and DELETE (API-03)', async () => {
    expect(await violationsOf(NonStandardMethod)).toEqual([
      ['API-03', '/paths/~1berichten/options'],
    ]);
  });

  it('rejects a query parameter that could carry personal data, such as ?bsn=', async () => {
    expect(await violationsOf(PersonalDataInQuery)).toEqual([
      ['/core/transport/no-sensitive-uris', '/paths/~1berichten/get/parameters/0'],
    ]);
  });

  it('allows only identifiers as path parameters', async () => {
    expect(await violationsOf(PersonalDataInPath)).toEqual([
      ['/core/transport/no-sensitive-uris', '/paths/~1berichten~1{geboortedatum}/get/parameters/0'],
      [
        '/core/transport/no-sensitive-uris',
        '/paths/~1berichten~1{volgnummer}~1ontvangen/get/parameters/0',
      ],
    ]);
  });

  it('requires application/problem+json for every 4xx and 5xx response', async () => {
    expect(await violationsOf(ErrorWithoutProblemDetails)).toEqual([
      ['nlgov:use-problem-schema', '/paths/~1berichten/post/responses/400/content'],
    ]);
  });

  it('requires a summary and an operationId on every operation', async () => {
    const document = await editedDocument((d) => {
      delete d.paths['/ontvangen']!.get!.operationId;
    });

    expect(await violationsOf(Undocumented)).toEqual([
      ['operation-summary', '/paths/~1berichten/get'],
    ]);
    expect(checkApiDesignRules(document).map((v) => [v.rule, v.path])).toEqual([
      ['operation-operationId', '/paths/~1ontvangen/get'],
    ]);
  });

  it('requires the API-Version header on every 2xx and 3xx response (API-57)', async () => {
    const document = await editedDocument((d) => {
      d.paths['/berichten']!.post!.responses['202'] = { description: 'Accepted' };
    });

    expect(checkApiDesignRules(document).map((v) => [v.rule, v.path])).toEqual([
      ['API-57', '/paths/~1berichten/post/responses/202/headers'],
    ]);
  });

  it('requires OpenAPI 3.x, a semantic version and a full contact (API-16, API-56)', async () => {
    const document = await editedDocument((d) => {
      d.openapi = '2.0';
      d.info.version = '1.0';
      d.info.contact = { name: 'Samenloop beheer' };
    });

    expect(checkApiDesignRules(document)).toEqual([
      expect.objectContaining({ rule: 'API-16', path: '/openapi' }),
      expect.objectContaining({ rule: 'API-56', path: '/info/version' }),
      expect.objectContaining({
        rule: '/core/doc-openapi-contact',
        message: expect.stringContaining('missing: url, email') as unknown,
      }),
    ]);
  });
});

describe(checkPublishedOpenApi.name, () => {
  it('reports a document that is not served, or served without API-Version (API-51, API-57)', async () => {
    const notServed = () => Promise.resolve(new Response('Not Found', { status: 404 }));

    expect(await checkPublishedOpenApi(notServed)).toEqual([
      expect.objectContaining({ rule: 'API-51', path: '/openapi.json' }),
      expect.objectContaining({ rule: 'API-57', path: '/openapi.json' }),
      expect.objectContaining({ rule: 'API-51', path: '/v1/openapi.json' }),
      expect.objectContaining({ rule: 'API-57', path: '/v1/openapi.json' }),
    ]);
  });
});
