import { BadRequestException, NotFoundException } from '@nestjs/common';
import { problem } from './problem-details';
import { problemOf } from './problem-details.filter';

describe(problemOf.name, () => {
  it('sends a raised problem as it is, with about:blank as its type', () => {
    const raised = problem(422, 'Unprocessable Content', 'The key was used before.', [
      { code: 'reused', detail: 'use a new key' },
    ]);

    expect(problemOf(raised)).toEqual({
      type: 'about:blank',
      title: 'Unprocessable Content',
      status: 422,
      detail: 'The key was used before.',
      errors: [{ code: 'reused', detail: 'use a new key' }],
    });
  });

  it("translates Nest's HTTP exceptions, a validation pipe's message list into errors", () => {
    expect(problemOf(new NotFoundException('Cannot GET /v1/niets'))).toEqual({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: 'Cannot GET /v1/niets',
    });
    expect(problemOf(new BadRequestException(['type must be a string']))).toMatchObject({
      status: 400,
      errors: [{ code: 'invalid', detail: 'type must be a string' }],
    });
  });

  it("answers the body parser's refusals with 400 and 413", () => {
    const parseFailure = Object.assign(new SyntaxError('Unexpected token } in JSON'), {
      status: 400,
      type: 'entity.parse.failed',
    });
    const tooLarge = Object.assign(new Error('request entity too large'), {
      status: 413,
      type: 'entity.too.large',
    });

    expect(problemOf(parseFailure)).toMatchObject({ status: 400, title: 'Malformed request body' });
    expect(problemOf(tooLarge)).toMatchObject({ status: 413, title: 'Request body too large' });
  });

  it('says nothing of an unexpected error but that it happened', () => {
    const leaky = new Error('cannot seal for BSN 999990019');

    expect(problemOf(leaky)).toEqual({
      type: 'about:blank',
      title: 'Internal server error',
      status: 500,
      detail: 'The connector could not handle the request; it is logged. Try again later.',
    });
  });
});
