import pino, { type Logger, type LoggerOptions } from 'pino';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/**
 * Paths that may carry message content. Log lines are meant to hold ids, topics, offsets and
 * field paths only; this is the safety net for when someone logs a whole object by mistake.
 */
export const REDACTED_PATHS: readonly string[] = [
  'value',
  'payload',
  'data',
  'message.value',
  'record.value',
  '*.value',
  '*.payload',
  '*.data',
];

export function loggerOptions(service: string, level: LogLevel): LoggerOptions {
  return {
    level,
    base: { service },
    redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
}

/**
 * Writes synchronously to stdout: the last lines before an exit (shutdown, a fatal start-up error)
 * are the ones an operator needs, and an asynchronous buffer would lose them.
 */
export function createLogger(service: string, level: LogLevel): Logger {
  return pino(loggerOptions(service, level), pino.destination({ dest: 1, sync: true }));
}

export type { Logger };
