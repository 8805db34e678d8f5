import { ApiResponse } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger';

/** RFC 9457 problem details, the media type of every 4xx and 5xx response of the API. */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export const PROBLEM_SCHEMA_NAME = 'Problem';

/** The problem details the connector returns: RFC 9457's members plus `errors`, one per fault. */
export const problemSchema: SchemaObject = {
  type: 'object',
  description:
    'RFC 9457 problem details. `errors` lists each fault with a code and, where it lies in the request, a JSON pointer; never a value from the request.',
  required: ['type', 'title', 'status', 'detail'],
  properties: {
    type: { type: 'string', format: 'uri-reference', example: 'about:blank' },
    title: { type: 'string', example: 'Bad Request' },
    status: { type: 'integer', minimum: 400, maximum: 599, example: 400 },
    detail: { type: 'string' },
    instance: { type: 'string', format: 'uri-reference' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['code', 'detail'],
        properties: {
          code: { type: 'string', example: 'required' },
          pointer: { type: 'string', example: '/payload/melder' },
          detail: { type: 'string' },
        },
      },
    },
  },
};

/** Documents an error response as problem details: `@ApiProblemResponse(404, 'Unknown id')`. */
export function ApiProblemResponse(
  status: number,
  description: string,
): MethodDecorator & ClassDecorator {
  return ApiResponse({
    status,
    description,
    content: {
      [PROBLEM_CONTENT_TYPE]: { schema: { $ref: `#/components/schemas/${PROBLEM_SCHEMA_NAME}` } },
    },
  });
}
