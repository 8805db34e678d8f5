import type { INestApplication } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';
import type { ConnectorSettings } from '../config/connector-settings';
import { rejectTrailingSlash, sendApiVersion } from './api-contract.middleware';
import { OPENAPI_DOCUMENT_PATHS } from './connector-api';
import { buildOpenApiDocument } from './openapi-document';

/**
 * The API's contract, kept: builds the OpenAPI 3.1 document from the controllers, serves it as JSON
 * at `OPENAPI_DOCUMENT_PATHS`, sends `API-Version` on every response as the document promises, and
 * answers a URI with a trailing slash with 404.
 * Call once, after the modules are created and before `app.init()`/`listen()`.
 */
export function setupOpenApi(
  app: INestApplication,
  settings: Pick<ConnectorSettings, 'authentication'>,
): OpenAPIObject {
  const document = buildOpenApiDocument(app, settings.authentication);
  const body = JSON.stringify(document);
  app.use(sendApiVersion);
  app.use(rejectTrailingSlash);
  const http = app.getHttpAdapter();
  for (const path of OPENAPI_DOCUMENT_PATHS) {
    http.get(path, (_request: unknown, response: unknown) => {
      http.setHeader(response, 'Content-Type', 'application/json');
      // ADR API-51: documentation tools in a browser on another origin must be able to read it.
      http.setHeader(response, 'Access-Control-Allow-Origin', '*');
      http.reply(response, body, 200);
    });
  }
  return document;
}
