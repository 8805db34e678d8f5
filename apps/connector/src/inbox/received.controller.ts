import {
  BadRequestException,
  Controller,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
} from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Inbox } from './inbox';
import { isInboxCursor } from './inbox-cursor';
import { ApiProblemResponse } from '../problem/api-problem-response.decorator';
import { Bevestiging, OntvangenPagina, ontvangenItem } from './received.dto';

const DEFAULT_LIMIET = 20;
const MAX_LIMIET = 100;

/** What the hub sent this partner, handed over in order, and the case system's acknowledgements. */
@ApiTags('ontvangen')
@Controller('v1/ontvangen')
export class ReceivedController {
  constructor(private readonly inbox: Inbox) {}

  @Get()
  @ApiOperation({
    summary: 'Deliveries, receipts and rejections from the hub, in order',
    description:
      'Decrypted and hub-signature-verified, each document once. Without `na` from the start; with it, what came after that cursor.',
  })
  @ApiQuery({ name: 'na', required: false, description: 'A cursor from an earlier page.' })
  @ApiQuery({
    name: 'limiet',
    required: false,
    schema: { type: 'integer', minimum: 1, maximum: MAX_LIMIET, default: DEFAULT_LIMIET },
  })
  @ApiOkResponse({ type: OntvangenPagina, description: 'A page of what was received, in order.' })
  @ApiProblemResponse(400, '`na` is not a cursor, or `limiet` not a whole number from 1 to 100.')
  async list(@Query('na') na?: string, @Query('limiet') limiet?: string): Promise<OntvangenPagina> {
    if (na !== undefined && !isInboxCursor(na))
      throw new BadRequestException('query parameter na is not a cursor this API handed out');
    const { entries, next } = await this.inbox.after(na, parseLimiet(limiet));
    return {
      items: entries.map(ontvangenItem),
      ...(next === undefined ? {} : { volgende: next }),
    };
  }

  @Post(':id/bevestiging')
  @HttpCode(200)
  @ApiOperation({
    summary: 'The case system took a document over',
    description: 'Idempotent: acknowledging again answers `eerder: true`.',
  })
  @ApiParam({ name: 'id', format: 'uuid', description: 'The document id of an item.' })
  @ApiOkResponse({ type: Bevestiging, description: 'Acknowledged, now or before.' })
  @ApiProblemResponse(400, 'The id is not a UUID.')
  @ApiProblemResponse(404, 'No document with this id was received.')
  async acknowledge(@Param('id', new ParseUUIDPipe()) id: string): Promise<Bevestiging> {
    const result = await this.inbox.acknowledge(id, 'api');
    if (result === 'unknown')
      throw new NotFoundException(`no document ${id} was received by this connector`);
    return { id, bevestigd: true, eerder: result === 'already-acknowledged' };
  }
}

function parseLimiet(limiet: string | undefined): number {
  if (limiet === undefined) return DEFAULT_LIMIET;
  const value = /^[0-9]{1,3}$/.test(limiet) ? Number(limiet) : NaN;
  if (!(value >= 1 && value <= MAX_LIMIET))
    throw new BadRequestException(
      `query parameter limiet must be a whole number from 1 to ${MAX_LIMIET}`,
    );
  return value;
}
