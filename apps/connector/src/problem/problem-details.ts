import { HttpException } from '@nestjs/common';

/** RFC 9457's media type: every error of the connector's HTTP API is sent as one. */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** One thing wrong with a request: a stable code, where (a JSON pointer into the body) and what to fix. */
export interface ProblemError {
  readonly code: string;
  readonly pointer?: string;
  readonly detail: string;
}

/** An RFC 9457 problem, as the Dutch API Design Rules profile it (`errors` for invalid input). */
export interface ProblemDetails {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly instance?: string;
  readonly errors?: readonly ProblemError[];
}

/** A problem an HTTP handler or guard raises; the exception filter sends it as it is. */
export class ProblemException extends HttpException {
  constructor(readonly problem: Omit<ProblemDetails, 'type' | 'instance'> & { type?: string }) {
    super(problem, problem.status);
  }
}

/** `problem(404, 'Bericht niet gevonden'…)` reads better at a throw site than the constructor. */
export function problem(
  status: number,
  title: string,
  detail: string,
  errors?: readonly ProblemError[],
): ProblemException {
  return new ProblemException({ status, title, detail, ...(errors && { errors }) });
}
