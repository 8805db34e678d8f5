import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/**
 * `POST /v1/berichten`: what the case system submits. The connector wraps it in the CloudEvent
 * (id, source, time, dataschema, traceparent) and checks it against the same contracts as the hub.
 */
export class SubmissionRequest {
  @ApiProperty({
    description: 'The message type without its prefix, e.g. `zorgmelding`.',
    example: 'zorgmelding',
    pattern: '^[a-z][a-z-]{1,60}$',
  })
  readonly type!: string;

  @ApiProperty({
    description: 'When the reported event happened (RFC 3339), not when it is submitted.',
    format: 'date-time',
    example: '2026-11-23T21:50:00+01:00',
  })
  readonly occurredAt!: string;

  @ApiProperty({
    description:
      'The case references known to the case system (politieRegistratienummer, zsmZaakId, parketnummer, vtZaakReferentie); at least one.',
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { politieRegistratienummer: 'PL2100-2026114471' },
  })
  readonly zaakReferenties!: Record<string, string>;

  @ApiPropertyOptional({
    description: 'Ids of earlier messages this one follows up on.',
    type: [String],
    format: 'uuid',
  })
  readonly relatesTo?: string[];

  @ApiProperty({
    description: "The message content, valid against the type's schema (see schemas/).",
    type: 'object',
    additionalProperties: true,
  })
  readonly payload!: Record<string, unknown>;
}

export class SubmissionAccepted {
  @ApiProperty({ description: "The message's id (its CloudEvents id).", format: 'uuid' })
  readonly id!: string;

  @ApiProperty({
    enum: ['ingediend'],
    description: 'Submitted to the hub; see GET /v1/berichten/{id}.',
  })
  readonly status!: 'ingediend';
}
