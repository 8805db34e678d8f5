import { logLevel } from 'kafkajs';
import { kafkajsLogLevel } from './kafka-client';

const entry = (message: string, extra: Record<string, unknown> = {}) => ({
  timestamp: '2026-12-03T00:00:00.000Z',
  logger: 'kafkajs',
  message,
  ...extra,
});

describe('the level of a kafkajs log line', () => {
  it('makes a retried error response a warning, as the caller decides whether it fails', () => {
    const response = entry('Response AddPartitionsToTxn(key: 24, version: 1)', {
      error: 'The producer attempted to update a transaction while another concurrent operation',
    });
    expect(kafkajsLogLevel(logLevel.ERROR, 'Connection', response)).toBe('warn');
  });

  it('makes a failed attempt a warning', () => {
    const attempt = entry('Failed to send messages: concurrent transactions', { retryCount: 0 });
    expect(kafkajsLogLevel(logLevel.ERROR, 'Producer', attempt)).toBe('warn');
  });

  it('keeps every other error an error', () => {
    expect(
      kafkajsLogLevel(logLevel.ERROR, 'Consumer', entry('Crash: KafkaJSNumberOfRetriesExceeded')),
    ).toBe('error');
    expect(
      kafkajsLogLevel(logLevel.ERROR, 'Connection', entry('Connection error: ECONNREFUSED')),
    ).toBe('error');
  });

  it('keeps the other levels as kafkajs gives them', () => {
    expect(kafkajsLogLevel(logLevel.WARN, 'Connection', entry('Response Produce'))).toBe('warn');
    expect(kafkajsLogLevel(logLevel.INFO, 'Consumer', entry('Starting'))).toBe('info');
    expect(kafkajsLogLevel(logLevel.DEBUG, 'Producer', entry('x', { retryCount: 1 }))).toBe(
      'debug',
    );
  });
});
