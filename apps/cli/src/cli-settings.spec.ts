import { InvalidKafkaConnectionError } from '@samenloop/messaging';
import { cliSettings } from './cli-settings';

describe(cliSettings.name, () => {
  it('connects as the principal the KAFKA_* settings name, with the gateway setting names', () => {
    const settings = cliSettings({
      KAFKA_BROKERS: '127.0.0.1:19094',
      KAFKA_SECURITY_PROTOCOL: 'SASL_PLAINTEXT',
      KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
      KAFKA_SASL_USERNAME: 'POLITIE-OB',
      KAFKA_SASL_PASSWORD: 'pw',
    });

    expect(settings.brokers).toEqual(['127.0.0.1:19094']);
    expect(settings.connection.sasl).toEqual({
      mechanism: 'SCRAM-SHA-512',
      username: 'POLITIE-OB',
      password: 'pw',
    });
  });

  it('stops with one error listing every problem of the Kafka security settings', () => {
    expect(() => cliSettings({ KAFKA_SECURITY_PROTOCOL: 'SASL_SSL' })).toThrow(
      InvalidKafkaConnectionError,
    );
    expect(() => cliSettings({ KAFKA_SECURITY_PROTOCOL: 'SASL_SSL' })).toThrow(
      /KAFKA_SASL_MECHANISM: .*\n.*KAFKA_SASL_USERNAME: .*\n.*KAFKA_SASL_PASSWORD_FILE: /,
    );
  });
});
