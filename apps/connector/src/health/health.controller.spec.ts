import type { ServerResponse } from 'node:http';
import type { TransactionalKafkaServer } from '@samenloop/messaging/nest';
import { HealthController } from './health.controller';

const response = () => ({ statusCode: 200 }) as ServerResponse;
const transportIn = (state: string) =>
  ({ health: { state } }) as unknown as TransactionalKafkaServer;

describe(HealthController.name, () => {
  it('is up while the receive pipeline runs', () => {
    expect(new HealthController(transportIn('running')).check(response())).toEqual({
      status: 'ok',
      receive: 'running',
    });
  });

  it("is 503 naming the pipeline's state while it does not consume", () => {
    const answered = response();

    expect(new HealthController(transportIn('crashed')).check(answered)).toEqual({
      status: 'unavailable',
      receive: 'crashed',
    });
    expect(answered.statusCode).toBe(503);
  });
});
