import { Module } from '@nestjs/common';
import { CorvZorgmeldingHandler } from './corv-zorgmelding.handler';

/**
 * CORV-style XML zorgmeldingen (`schemas/corv/`). Needs the global `SubmissionService`
 * (SubmissionsModule) and `CONNECTOR_SETTINGS`; the handler goes into `FILE_DROPS` with
 * `CONNECTOR_CORV_INBOX` as its folder.
 */
@Module({
  providers: [CorvZorgmeldingHandler],
  exports: [CorvZorgmeldingHandler],
})
export class CorvModule {}
