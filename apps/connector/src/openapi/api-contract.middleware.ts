import type { IncomingMessage, ServerResponse } from 'node:http';
import { API_VERSION_HEADER, CONNECTOR_API_VERSION } from './connector-api';
import { PROBLEM_CONTENT_TYPE } from '../problem/problem-details';

type Middleware = (request: IncomingMessage, response: ServerResponse, next: () => void) => void;

/** ADR API-57: every response says which version of the API answered, errors included. */
export const sendApiVersion: Middleware = (_request, response, next) => {
  response.setHeader(API_VERSION_HEADER, CONNECTOR_API_VERSION);
  next();
};

/**
 * ADR API-48: a URI with a trailing slash is a 404, not the resource (Express would serve it) nor a
 * redirect, so a client learns the one right URI.
 */
export const rejectTrailingSlash: Middleware = (request, response, next) => {
  const path = (request.url ?? '/').split('?')[0] ?? '/';
  if (path.length <= 1 || !path.endsWith('/')) {
    next();
    return;
  }
  response.statusCode = 404;
  response.setHeader('Content-Type', PROBLEM_CONTENT_TYPE);
  response.end(
    JSON.stringify({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: 'This API has no URIs that end with a slash: leave it off.',
    }),
  );
};
