import { Controller, Get, Inject, Optional, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { TransactionalKafkaServer } from '@samenloop/messaging/nest';
import { CONNECTOR_TRANSPORT } from '../connector.tokens';
import { PublicEndpoint } from '../security/public-endpoint.decorator';

export interface ConnectorHealth {
  readonly status: 'ok' | 'unavailable';
  /** The receive pipeline's state; `not-configured` while the app runs without one. */
  readonly receive: string;
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
  check(): ConnectorHealth {
    if (!this.transport) return { status: 'ok', receive: 'not-configured' };
    const state = this.transport.health?.state ?? 'not-started';
    if (state === 'running' || state === 'standby') return { status: 'ok', receive: state };
    throw new ServiceUnavailableException({ status: 'unavailable', receive: state });
  }
}
