import { Controller, Get, NotFoundException, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { MessageAnswers } from '../inbox/message-answers';
import { ApiProblemResponse } from '../problem/api-problem-response.decorator';
import { SubmittedMessages } from '../submissions/submitted-messages';
import { messageStatus } from './message-status';
import { BerichtStatus } from './message-status.dto';

/** The state of what this connector submitted, from the hub's receipts and rejections. */
@ApiTags('berichten')
@Controller('v1/berichten')
export class StatusController {
  constructor(
    private readonly submitted: SubmittedMessages,
    private readonly answers: MessageAnswers,
  ) {}

  @Get(':id')
  @ApiOperation({
    summary: 'Status of a submission',
    description:
      'ingediend, afgeleverd (to whom, and who waits for a usable key) or geweigerd (why).',
  })
  @ApiParam({
    name: 'id',
    format: 'uuid',
    description: 'The message id `POST /v1/berichten` returned.',
  })
  @ApiOkResponse({ type: BerichtStatus, description: 'The submission and what the hub answered.' })
  @ApiProblemResponse(400, 'The id is not a UUID.')
  @ApiProblemResponse(404, 'This connector submitted no message with this id.')
  async status(@Param('id', new ParseUUIDPipe()) id: string): Promise<BerichtStatus> {
    const submitted = this.submitted.find(id);
    if (!submitted)
      throw new NotFoundException(`this connector submitted no message with id ${id}`);
    return messageStatus(submitted, await this.answers.answerTo(id));
  }
}
