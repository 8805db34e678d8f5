import { Catch, HttpException, Logger, type ArgumentsHost } from '@nestjs/common';
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Observable } from 'rxjs';
import { PipelineErrorsFilter } from '@samenloop/messaging/nest';
import {
  PROBLEM_CONTENT_TYPE,
  ProblemException,
  type ProblemDetails,
  type ProblemError,
} from './problem-details';

/**
 * Every error of the HTTP API as `application/problem+json` (RFC 9457): our own problems as
 * raised, Nest's HTTP exceptions and the body parser's errors translated, anything else a 500
 * that says nothing of its cause (logged by class only: a message may quote a request's content).
 * Record handlers' errors go to the pipeline unchanged, as `PipelineErrorsFilter` hands them.
 */
/** RFC 9457 §4.2.1: no problem types of our own, so `about:blank` and the status's title. */
const ABOUT_BLANK = 'about:blank';

@Catch()
export class ProblemDetailsFilter extends PipelineErrorsFilter {
  private readonly logger = new Logger(ProblemDetailsFilter.name);

  override catch(exception: unknown, host: ArgumentsHost): Observable<never> | void {
    if (host.getType() !== 'http') return super.catch(exception, host);
    const http = host.switchToHttp();
    const request = http.getRequest<IncomingMessage & { originalUrl?: string }>();
    const response = http.getResponse<ServerResponse>();
    // The path only: a query string is the caller's, and not ours to repeat.
    const instance = (request.originalUrl ?? request.url ?? '').split('?')[0];
    const details = { ...problemOf(exception, this.logger), instance };
    response.statusCode = details.status;
    response.setHeader('Content-Type', PROBLEM_CONTENT_TYPE);
    response.end(JSON.stringify(details));
  }
}

/** The problem an exception stands for. */
export function problemOf(exception: unknown, logger?: Logger): ProblemDetails {
  if (exception instanceof ProblemException) return { type: ABOUT_BLANK, ...exception.problem };
  if (exception instanceof HttpException) return fromHttpException(exception);
  const parserStatus = bodyParserStatus(exception);
  if (parserStatus !== undefined)
    return {
      type: ABOUT_BLANK,
      title: parserStatus === 413 ? 'Request body too large' : 'Malformed request body',
      status: parserStatus,
      detail:
        parserStatus === 413
          ? 'The request body is larger than the connector accepts.'
          : 'The request body is not valid JSON.',
    };
  logger?.error(
    { errorClass: exception instanceof Error ? exception.constructor.name : typeof exception },
    'request failed',
  );
  return {
    type: ABOUT_BLANK,
    title: 'Internal server error',
    status: 500,
    detail: 'The connector could not handle the request; it is logged. Try again later.',
  };
}

function fromHttpException(exception: HttpException): ProblemDetails {
  const status = exception.getStatus();
  const body = exception.getResponse();
  const message =
    typeof body === 'object' && body !== null ? (body as { message?: unknown }).message : body;
  // ValidationPipe-style bodies list their messages; each becomes an error of its own.
  const errors: ProblemError[] | undefined = Array.isArray(message)
    ? message.map((detail) => ({ code: 'invalid', detail: String(detail) }))
    : undefined;
  return {
    type: ABOUT_BLANK,
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail: typeof message === 'string' ? message : exception.message,
    ...(errors && { errors }),
  };
}

/** body-parser's errors carry `status` and a `type` such as `entity.parse.failed`. */
function bodyParserStatus(exception: unknown): number | undefined {
  if (typeof exception !== 'object' || exception === null) return undefined;
  const { status, type } = exception as { status?: unknown; type?: unknown };
  return typeof status === 'number' && typeof type === 'string' && status >= 400 && status < 500
    ? status
    : undefined;
}
