import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { ProblemBody } from './problem-body.dto';
import { PROBLEM_CONTENT_TYPE } from './problem-details';

/**
 * An error response in the OpenAPI description: `application/problem+json` with the problem
 * schema. `@ApiResponse({ type })` alone would describe it as `application/json`.
 */
export const ApiProblemResponse = (status: number, description: string) =>
  applyDecorators(
    ApiExtraModels(ProblemBody),
    ApiResponse({
      status,
      description,
      content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: getSchemaPath(ProblemBody) } } },
    }),
  );
