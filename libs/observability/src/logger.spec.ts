import { Writable } from 'node:stream';
import pino from 'pino';
import { loggerOptions } from './logger';

function captureLines(): { stream: Writable; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  const lines = () =>
    chunks
      .join('')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { stream, lines };
}

describe('loggerOptions', () => {
  it('redacts message content that is logged by mistake while keeping ids', () => {
    const { stream, lines } = captureLines();
    const logger = pino(loggerOptions('gateway', 'info'), stream);

    logger.info(
      { messageId: 'm-1', record: { value: 'Jan Jansen, 1980-01-01' }, payload: { naam: 'x' } },
      'received',
    );

    const [line] = lines();
    expect(line).toMatchObject({
      service: 'gateway',
      messageId: 'm-1',
      record: { value: '[redacted]' },
      payload: '[redacted]',
    });
    expect(JSON.stringify(line)).not.toContain('Jansen');
  });
});
