export { createLogger, loggerOptions, REDACTED_PATHS } from './logger';
export type { Logger, LogLevel } from './logger';
