import { freePort } from '../../../../test/support/free-port';
import type { ConnectorWebhook } from '../config/connector-settings';
import { InMemoryInbox } from '../fixtures/in-memory-inbox';
import { RecordingLogger } from '../fixtures/recording-logger';
import { WebhookReceiver } from './fixtures/webhook-receiver';
import { WebhookPusher, type WebhookPusherOptions } from './webhook-pusher';
import { verifyWebhookSignature } from './webhook-signature';

const SECRET = Buffer.from('the-case-systems-shared-secret-32-bytes!');

describe(WebhookPusher.name, () => {
  let inbox: InMemoryInbox;
  let receiver: WebhookReceiver;
  let logger: RecordingLogger;
  let pusher: WebhookPusher | undefined;

  beforeEach(() => {
    inbox = new InMemoryInbox();
    receiver = new WebhookReceiver();
    logger = new RecordingLogger();
  });

  afterEach(async () => {
    await pusher?.stop();
    pusher = undefined;
    await receiver.close();
  });

  function startPusher(
    url: string,
    backoff: Partial<ConnectorWebhook> = {},
    options: WebhookPusherOptions = {},
  ): WebhookPusher {
    const webhook = { url, secret: SECRET, initialBackoffMs: 20, maxBackoffMs: 80, ...backoff };
    // No jitter: the waits are exactly the doubled ones, so the test can name them.
    pusher = new WebhookPusher(inbox, webhook, logger, { random: () => 0, ...options });
    pusher.start();
    return pusher;
  }

  it('pushes each entry in order, signed, and acknowledges each once by webhook', async () => {
    inbox.append({ id: 'd-1' }, { id: 'r-2', type: 'receipt' });
    startPusher(await receiver.listen());
    await inbox.untilAcknowledged(2);
    inbox.append({ id: 'd-3' });
    await inbox.untilAcknowledged(3);

    expect(receiver.idsReceived()).toEqual(['d-1', 'r-2', 'd-3']);
    expect(inbox.acknowledgements).toEqual([
      { id: 'd-1', by: 'webhook' },
      { id: 'r-2', by: 'webhook' },
      { id: 'd-3', by: 'webhook' },
    ]);
    const first = receiver.calls[0]!;
    expect(first.headers['content-type']).toBe('application/json');
    expect(JSON.parse(first.body)).toEqual({
      id: 'd-1',
      type: 'delivery',
      cursor: '0',
      bevestigd: false,
      document: { deliveryId: 'd-1', payload: { omschrijving: 'niet in een log' } },
    });
    expect(
      verifyWebhookSignature(SECRET, String(first.headers['samenloop-signature']), first.body, 60),
    ).toMatchObject({ valid: true });
  });

  it('keeps retrying while the case system is down, with growing waits up to the maximum, and delivers once it is back', async () => {
    const port = await freePort();
    inbox.append({ id: 'd-1' }, { id: 'd-2' });
    startPusher(`http://127.0.0.1:${port}/samenloop`);
    await logger.untilRetries(5);
    await receiver.listen(port);
    await inbox.untilAcknowledged(2);

    expect(logger.retries().slice(0, 5)).toEqual(
      [20, 40, 80, 80, 80].map((nextDelayMs, index) => ({
        id: 'd-1',
        step: 'call webhook',
        failure: 'TypeError ECONNREFUSED',
        attempt: index + 1,
        nextDelayMs,
      })),
    );
    expect(receiver.idsReceived()).toEqual(['d-1', 'd-2']);
  });

  it('retries a 500 after waiting, and does not skip to the next entry meanwhile', async () => {
    receiver.answerWith((n) => (n < 2 ? 500 : 200));
    inbox.append({ id: 'd-1' }, { id: 'd-2' });
    startPusher(await receiver.listen(), { initialBackoffMs: 40, maxBackoffMs: 1000 });
    await inbox.untilAcknowledged(2);

    expect(receiver.idsReceived()).toEqual(['d-1', 'd-1', 'd-1', 'd-2']);
    const [a, b, c] = receiver.calls.map((call) => call.at);
    expect(b! - a!).toBeGreaterThanOrEqual(40 - 2);
    expect(c! - b!).toBeGreaterThanOrEqual(80 - 2);
    expect(logger.retries()).toEqual([
      expect.objectContaining({ id: 'd-1', failure: 'status 500', attempt: 1, nextDelayMs: 40 }),
      expect.objectContaining({ id: 'd-1', failure: 'status 500', attempt: 2, nextDelayMs: 80 }),
    ]);
    expect(inbox.acknowledgements.map((a) => a.id)).toEqual(['d-1', 'd-2']);
  });

  it('gives up a call that does not answer in time and retries it', async () => {
    receiver.answerWith((n) => (n === 0 ? 'hang' : 204));
    inbox.append({ id: 'd-1' });
    startPusher(await receiver.listen(), {}, { requestTimeoutMs: 100 });
    await inbox.untilAcknowledged(1);

    expect(receiver.idsReceived()).toEqual(['d-1', 'd-1']);
    expect(logger.retries()).toEqual([
      expect.objectContaining({ id: 'd-1', failure: 'TimeoutError', attempt: 1 }),
    ]);
    expect(inbox.acknowledgements).toEqual([{ id: 'd-1', by: 'webhook' }]);
  });

  it('does not push an entry again once the case system acknowledged it through the API', async () => {
    receiver.answerWith((_n, call) =>
      call.headers['samenloop-delivery-id'] === 'd-1' ? 503 : 204,
    );
    inbox.append({ id: 'd-0' });
    await inbox.acknowledge('d-0', 'api');
    inbox.append({ id: 'd-1' }, { id: 'd-2' });
    startPusher(await receiver.listen(), { initialBackoffMs: 50 });
    await receiver.untilCalls(1);
    await inbox.acknowledge('d-1', 'api');
    await inbox.untilAcknowledged(3);

    expect(receiver.idsReceived()).toEqual(['d-1', 'd-2']);
    expect(inbox.acknowledgements).toEqual([
      { id: 'd-0', by: 'api' },
      { id: 'd-1', by: 'api' },
      { id: 'd-2', by: 'webhook' },
    ]);
  });

  it('stops at once while waiting to retry, and pushes nothing after', async () => {
    receiver.answerWith(() => 500);
    inbox.append({ id: 'd-1' });
    const running = startPusher(await receiver.listen(), {
      initialBackoffMs: 60_000,
      maxBackoffMs: 60_000,
    });
    await logger.untilRetries(1);
    const stoppingAt = Date.now();
    await running.stop();

    expect(Date.now() - stoppingAt).toBeLessThan(1000);
    inbox.append({ id: 'd-2' });
    expect(receiver.idsReceived()).toEqual(['d-1']);
    expect(inbox.acknowledgements).toEqual([]);
  });

  it('lets the call in flight finish when stopped, and acknowledges it on a 2xx', async () => {
    receiver.answerWith(() => 'hang');
    inbox.append({ id: 'd-1' }, { id: 'd-2' });
    const running = startPusher(await receiver.listen());
    await receiver.untilCalls(1);
    const stopped = running.stop();
    receiver.release(200);
    await stopped;

    expect(inbox.acknowledgements).toEqual([{ id: 'd-1', by: 'webhook' }]);
    expect(receiver.idsReceived()).toEqual(['d-1']);
  });

  it('logs ids, status codes, attempts and waits, never the document', async () => {
    receiver.answerWith((n) => (n === 0 ? 502 : 200));
    inbox.append({ id: 'd-1' });
    startPusher(await receiver.listen());
    await logger.untilDelivered(1);

    const logged = JSON.stringify(logger.lines);
    expect(logged).not.toContain('omschrijving');
    expect(logger.lines.map((line) => line.fields)).toEqual([
      { id: 'd-1', step: 'call webhook', failure: 'status 502', attempt: 1, nextDelayMs: 20 },
      { id: 'd-1', status: 200, attempt: 2, result: 'acknowledged' },
    ]);
  });
});
