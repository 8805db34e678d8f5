import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { TransactionalKafkaServer } from '@samenloop/messaging/nest';
import { healthReport, type HealthBody } from './pipeline-health';

/** 200 while the pipeline consumes and commits; 503 with `{ status, reason, since }` otherwise. */
@Controller('health')
export class HealthController {
  constructor(private readonly transport: TransactionalKafkaServer) {}

  @Get()
  check(): HealthBody {
    const report = healthReport(this.transport.health);
    if (report.httpStatus !== 200) throw new ServiceUnavailableException(report.body);
    return report.body;
  }
}
