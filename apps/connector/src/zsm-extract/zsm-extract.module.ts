import { Module } from '@nestjs/common';
import { ZsmExtractHandler } from './zsm-extract.handler';
import { ZsmExtractMemory } from './zsm-extract-memory';

/**
 * The ZSM verdachtenmonitor extract adapter: import it only with `settings.files.zsmExtract` set,
 * and give `ZsmExtractHandler` its drop folder in `FILE_DROPS`. Needs the connector's settings,
 * Kafka and keys and the global `SubmissionService`.
 */
@Module({
  providers: [ZsmExtractHandler, ZsmExtractMemory],
  exports: [ZsmExtractHandler],
})
export class ZsmExtractModule {}
