import { createLogger, type Logger } from '@samenloop/observability';
import type { GatewayConfig } from './config/gateway-config';

export const ROOT_LOGGER = Symbol('RootLogger');

export function createGatewayLogger(config: GatewayConfig): Logger {
  return createLogger('gateway', config.logLevel).child({ instanceId: config.instanceId });
}
