import { InvalidConfigurationError, loadGatewayConfig } from './gateway-config';

describe(loadGatewayConfig.name, () => {
  it('parses a complete environment into a frozen, typed configuration', () => {
    const config = loadGatewayConfig({
      KAFKA_BROKERS: '127.0.0.1:19092, broker-2:9092',
      GATEWAY_INSTANCE_ID: 'gateway-7',
      GATEWAY_HTTP_PORT: '8080',
      LOG_LEVEL: 'debug',
    });

    expect(config).toMatchObject({
      kafka: { brokers: ['127.0.0.1:19092', 'broker-2:9092'], clientId: 'samenloop-gateway-7' },
      transactionalId: 'samenloop-gateway-7',
      topics: {
        inbound: 'samenloop.in.v1',
        outbound: 'samenloop.out.v1',
        deadLetter: 'samenloop.deadletter.v1',
      },
      http: { port: 8080 },
      logLevel: 'debug',
    });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.topics)).toBe(true);
  });

  it('reports every bad setting in one error', () => {
    let thrown: unknown;
    try {
      loadGatewayConfig({
        GATEWAY_HTTP_PORT: '70000',
        GATEWAY_INBOUND_TOPIC: 'not a topic!',
        LOG_LEVEL: 'loud',
      });
    } catch (error) {
      thrown = error;
    }

    expect(thrown).toBeInstanceOf(InvalidConfigurationError);
    const { problems, message } = thrown as InvalidConfigurationError;
    expect(problems).toEqual([
      expect.stringMatching(/^KAFKA_BROKERS: is required/),
      'GATEWAY_INBOUND_TOPIC: must be a valid Kafka topic name',
      'GATEWAY_HTTP_PORT: must be between 0 and 65535',
      expect.stringMatching(/^LOG_LEVEL: /),
    ]);
    expect(message).toContain('Invalid gateway configuration:\n  - KAFKA_BROKERS');
  });

  it('rejects a broker list entry without a port', () => {
    expect(() => loadGatewayConfig({ KAFKA_BROKERS: '127.0.0.1' })).toThrow(
      /KAFKA_BROKERS\.0: each broker must be host:port/,
    );
  });
});
