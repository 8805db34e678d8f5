import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { SubmissionsService } from '../submissions/submissions.service';
import { healthReport, type HealthBody } from './pipeline-health';

/** 200 while the pipeline consumes and commits; 503 with `{ status, reason, since }` otherwise. */
@Controller('health')
export class HealthController {
  constructor(private readonly submissions: SubmissionsService) {}

  @Get()
  check(): HealthBody {
    const report = healthReport(this.submissions.health);
    if (report.httpStatus !== 200) throw new ServiceUnavailableException(report.body);
    return report.body;
  }
}
