import { Controller, Get, Inject, Optional, Res } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { ApiOperation, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { TransactionalKafkaServer } from '@samenloop/messaging/nest';
import { CONNECTOR_TRANSPORT } from '../connector.tokens';
import { PublicEndpoint } from '../security/public-endpoint.decorator';

export class ConnectorHealth {
  @ApiProperty({ enum: ['ok', 'unavailable'] })
  readonly status!: 'ok' | 'unavailable';

  @ApiProperty({
    description: "The receive pipeline's state (`running`, …); `not-configured` without one.",
    example: 'running',
  })
  readonly receive!: string;
}

/**
 * Up once submissions are restored (the app listens only then); 503 while the receive pipeline
 * is not consuming, so an orchestrator restarts a connector that no longer receives.
 */
@ApiTags('beheer')
@Controller('health')
export class HealthController {
  constructor(
    @Optional()
    @Inject(CONNECTOR_TRANSPORT)
    private readonly transport: TransactionalKafkaServer | undefined,
  ) {}

  @Get()
  @PublicEndpoint()
  @ApiOperation({ summary: "Liveness and the receive pipeline's state" })
  @ApiResponse({ status: 200, type: ConnectorHealth, description: 'Up, and receiving.' })
  @ApiResponse({ status: 503, type: ConnectorHealth, description: 'The receive pipeline stopped.' })
  check(@Res({ passthrough: true }) response: ServerResponse): ConnectorHealth {
    if (!this.transport) return { status: 'ok', receive: 'not-configured' };
    const state = this.transport.health?.state ?? 'not-started';
    if (state === 'running' || state === 'standby') return { status: 'ok', receive: state };
    // The probe's own body, not a problem: orchestrators and operators read `receive`.
    response.statusCode = 503;
    return { status: 'unavailable', receive: state };
  }
}
