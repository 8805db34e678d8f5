import { ApiResponse } from '@nestjs/swagger';

/**
 * An error response as the connector answers it everywhere: RFC 9457 problem details. Described
 * inline, so each operation's document stands on its own.
 */
export function ApiProblemResponse(status: number, description: string) {
  return ApiResponse({
    status,
    description,
    content: {
      'application/problem+json': {
        schema: {
          type: 'object',
          required: ['type', 'title', 'status'],
          properties: {
            type: { type: 'string' },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            instance: { type: 'string' },
            errors: {
              type: 'array',
              items: {
                type: 'object',
                required: ['code', 'detail'],
                properties: {
                  code: { type: 'string' },
                  pointer: { type: 'string' },
                  detail: { type: 'string' },
                },
              },
            },
          },
        },
      },
    },
  });
}
