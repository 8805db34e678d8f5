import { Module } from '@nestjs/common';
import { ExportHandler } from './export.handler';

/**
 * The export adapter: import it only with `settings.files.export` set, and give `ExportHandler`
 * its drop folder in `FILE_DROPS`. Needs the connector's settings and keys and the global
 * `SubmissionService`.
 */
@Module({ providers: [ExportHandler], exports: [ExportHandler] })
export class ExportModule {}
