import { Body, Controller, Headers, HttpCode, Post, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiHeader,
  ApiOperation,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { ServerResponse } from 'node:http';
import { ApiProblemResponse } from '../problem/api-problem-response.decorator';
import { problem, type ProblemError } from '../problem/problem-details';
import { IDEMPOTENCY_KEY } from './idempotency';
import { problemErrorOf, SUBMISSION_FIELDS, type SubmissionBody } from './submission-event';
import { SubmissionAccepted, SubmissionRequest } from './submission-request.dto';
import {
  IdempotencyKeyReusedError,
  InvalidSubmissionError,
  SubmissionService,
} from './submission.service';
import { submissionTraceparent } from './traceparent';

@ApiTags('berichten')
@ApiBearerAuth()
@Controller('v1/berichten')
export class SubmissionsController {
  constructor(private readonly submissions: SubmissionService) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Submit a message to the hub',
    description:
      'Builds the CloudEvent, checks it against the same contracts as the hub, signs and encrypts it for the hub and submits it. The same Idempotency-Key with the same body returns the same id and submits nothing again.',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: true,
    description: '1–128 printable characters, unique per message the case system means to send.',
    schema: { type: 'string', minLength: 1, maxLength: 128 },
  })
  @ApiHeader({ name: 'traceparent', required: false, description: 'W3C Trace Context.' })
  @ApiBody({ type: SubmissionRequest })
  @ApiResponse({
    status: 202,
    type: SubmissionAccepted,
    description: 'Submitted (or submitted before under this Idempotency-Key).',
    headers: {
      Location: {
        description: 'The status of the message: /v1/berichten/{id}',
        schema: { type: 'string' },
      },
    },
  })
  @ApiProblemResponse(400, 'Not a valid message: `errors` lists what `samenloop validate` reports.')
  @ApiProblemResponse(401, 'No valid client certificate or bearer token.')
  @ApiProblemResponse(422, 'The Idempotency-Key was used before for another request.')
  async submit(
    @Body() body: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Headers('traceparent') traceparent: string | undefined,
    @Res({ passthrough: true }) response: ServerResponse,
  ): Promise<SubmissionAccepted> {
    const submission = checkedShape(body, idempotencyKey);
    try {
      const { messageId } = await this.submissions.submit(
        submission,
        idempotencyKey!,
        submissionTraceparent(traceparent),
      );
      response.setHeader('Location', `/v1/berichten/${messageId}`);
      return { id: messageId, status: 'ingediend' };
    } catch (error) {
      if (error instanceof InvalidSubmissionError)
        throw problem(
          400,
          'Bad Request',
          'The message does not meet its contract; see errors.',
          error.errors.map(problemErrorOf),
        );
      if (error instanceof IdempotencyKeyReusedError)
        throw problem(
          422,
          'Unprocessable Content',
          'This Idempotency-Key was used before for a different request; use a new key for a new message.',
        );
      throw error;
    }
  }
}

/** What the contract validator cannot say about the HTTP request itself. */
function checkedShape(body: unknown, idempotencyKey: string | undefined): SubmissionBody {
  const errors: ProblemError[] = [];
  if (idempotencyKey === undefined || !IDEMPOTENCY_KEY.test(idempotencyKey))
    errors.push({
      code: 'invalid-idempotency-key',
      detail: 'the Idempotency-Key header is required: 1–128 printable characters',
    });
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    errors.push({ code: 'not-an-object', pointer: '', detail: 'the body must be a JSON object' });
  else
    for (const field of Object.keys(body).filter((name) => !SUBMISSION_FIELDS.includes(name)))
      errors.push({
        code: 'unknown-field',
        pointer: `/${field.replace(/~/g, '~0').replace(/\//g, '~1')}`,
        detail: `is not a field of a submission; fields: ${SUBMISSION_FIELDS.join(', ')}`,
      });
  if (errors.length > 0)
    throw problem(400, 'Bad Request', 'The request is not a submission.', errors);
  return body as SubmissionBody;
}
