import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';

/** The OpenAPI description of `ProblemError`. */
@ApiSchema({ name: 'ProblemError' })
export class ProblemErrorBody {
  @ApiProperty({ example: 'invalid-payload' })
  readonly code!: string;

  @ApiPropertyOptional({
    description: 'JSON pointer into the request body.',
    example: '/payload/incident/datum',
  })
  readonly pointer?: string;

  @ApiProperty({ example: 'zorgmelding /incident/datum: must be a date (YYYY-MM-DD)' })
  readonly detail!: string;
}

/** The OpenAPI description of `ProblemDetails`: `application/problem+json` (RFC 9457). */
@ApiSchema({ name: 'Problem' })
export class ProblemBody {
  @ApiProperty({ example: 'about:blank' })
  readonly type!: string;

  @ApiProperty({ example: 'Bad Request' })
  readonly title!: string;

  @ApiProperty({ type: 'integer', example: 400 })
  readonly status!: number;

  @ApiProperty()
  readonly detail!: string;

  @ApiPropertyOptional({ example: '/v1/berichten' })
  readonly instance?: string;

  @ApiPropertyOptional({ type: [ProblemErrorBody] })
  readonly errors?: ProblemErrorBody[];
}
