import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { SubmissionsService } from '../submissions/submissions.service';

/** Up while the pipeline is a member of its consumer group and consuming. */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    private readonly submissions: SubmissionsService,
  ) {}

  @Get()
  @HealthCheck()
  check() {
    return this.health.check([
      () => {
        const pipeline = this.indicator.check('pipeline');
        const state = this.submissions.state;
        return state === 'running' ? pipeline.up({ state }) : pipeline.down({ state });
      },
    ]);
  }
}
