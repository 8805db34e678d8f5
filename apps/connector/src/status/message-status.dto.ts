import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { MESSAGE_STATES, type MessageState } from './message-status';

export class WachtOpSleutel {
  @ApiProperty({ description: 'The partner id of the recipient.' })
  readonly ontvanger!: string;

  @ApiProperty({ description: "Why its delivery waits, e.g. 'sleutel-verlopen'." })
  readonly reden!: string;
}

export class Fout {
  @ApiProperty({ description: "The hub's error code, e.g. 'invalid-payload'." })
  readonly code!: string;

  @ApiPropertyOptional({
    description: 'JSON pointer into the submission, for an error about a field.',
  })
  readonly pad?: string;

  @ApiProperty({
    description: 'What is wrong and how to fix it; names fields and rules, never values.',
  })
  readonly melding!: string;
}

export class BerichtStatus {
  @ApiProperty({ format: 'uuid' })
  readonly id!: string;

  @ApiProperty({ description: "The message type, e.g. 'zorgmelding'." })
  readonly type!: string;

  @ApiProperty({ format: 'date-time' })
  readonly ingediendOp!: string;

  @ApiProperty({ enum: MESSAGE_STATES })
  readonly status!: MessageState;

  @ApiPropertyOptional({ type: [String], description: 'With afgeleverd: the partners it reached.' })
  readonly afgeleverdAan?: readonly string[];

  @ApiPropertyOptional({
    type: [WachtOpSleutel],
    description: 'With afgeleverd: recipients whose delivery waits for a usable key.',
  })
  readonly wachtOpSleutel?: readonly WachtOpSleutel[];

  @ApiPropertyOptional({ type: [Fout], description: "With geweigerd: the hub's error lines." })
  readonly fouten?: readonly Fout[];
}
