import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { HUB_DOCUMENT_TYPES, type HubDocumentType } from '@samenloop/contracts';
import type { InboxEntry } from './inbox';

/** One hub document for the case system: decrypted and hub-signature-verified. */
export class OntvangenItem {
  @ApiProperty({
    description: 'The document id (deliveryId, receiptId or rejectionId).',
    format: 'uuid',
  })
  readonly id!: string;

  @ApiProperty({ enum: HUB_DOCUMENT_TYPES })
  readonly type!: HubDocumentType;

  @ApiProperty({ description: 'Opaque: `na` for what came after this document.' })
  readonly cursor!: string;

  @ApiProperty({ description: 'Whether the case system acknowledged it.' })
  readonly bevestigd!: boolean;

  @ApiProperty({
    description:
      'The delivery, receipt or rejection as the hub signed it (schemas/delivery, receipt, rejection).',
    type: 'object',
    additionalProperties: true,
  })
  readonly document!: Record<string, unknown>;
}

/** An inbox entry as the case system gets it, from `GET /v1/ontvangen` or pushed to its webhook. */
export function ontvangenItem({
  id,
  type,
  cursor,
  acknowledged,
  document,
}: InboxEntry): OntvangenItem {
  return { id, type, cursor, bevestigd: acknowledged, document };
}

export class OntvangenPagina {
  @ApiProperty({ type: [OntvangenItem] })
  readonly items!: OntvangenItem[];

  @ApiPropertyOptional({
    description: 'The cursor to ask with next (`na`); absent while nothing was received.',
  })
  readonly volgende?: string;
}

export class Bevestiging {
  @ApiProperty({ format: 'uuid' })
  readonly id!: string;

  @ApiProperty({ enum: [true] })
  readonly bevestigd!: true;

  @ApiProperty({ description: 'True when the document was acknowledged before.' })
  readonly eerder!: boolean;
}
