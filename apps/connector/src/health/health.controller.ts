import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { ApiExcludeController, ApiProperty } from '@nestjs/swagger';
import type { TransactionalKafkaServer } from '@samenloop/messaging/nest';
import { CONNECTOR_TRANSPORT } from '../connector.tokens';
import { PublicEndpoint } from '../security/public-endpoint.decorator';

export class ConnectorHealth {
  @ApiProperty({ enum: ['ok', 'unavailable'] })
  readonly status!: 'ok' | 'unavailable';

  @ApiProperty({
    description: "The receive pipeline's state (`running`, …).",
    example: 'running',
  })
  readonly receive!: string;
}

/**
 * Up once submissions are restored (the app listens only then); 503 while the receive pipeline
 * is not consuming, so an orchestrator restarts a connector that no longer receives.
 */
// Not part of the versioned API (ADR API-20 would flag it): a probe for orchestrators and operators.
@ApiExcludeController()
@Controller('health')
export class HealthController {
  constructor(
    @Inject(CONNECTOR_TRANSPORT)
    private readonly transport: TransactionalKafkaServer,
  ) {}

  @Get()
  @PublicEndpoint()
  check(@Res({ passthrough: true }) response: ServerResponse): ConnectorHealth {
    const state = this.transport.health?.state ?? 'not-started';
    if (state === 'running' || state === 'standby') return { status: 'ok', receive: state };
    // The probe's own body, not a problem: orchestrators and operators read `receive`.
    response.statusCode = 503;
    return { status: 'unavailable', receive: state };
  }
}
