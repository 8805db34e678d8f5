import { InvalidKafkaConnectionError } from '@samenloop/messaging';
import { cliSettings, InvalidCliSettingsError, partnerKeysFileFor } from './cli-settings';

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

describe('cliSettings with bad combinations', () => {
  const problemsOf = (env: Record<string, string>): readonly string[] => {
    try {
      cliSettings(env);
    } catch (error) {
      if (error instanceof InvalidCliSettingsError) return error.problems;
      throw error;
    }
    throw new Error('expected the settings to be refused');
  };

  it('lists a malformed broker list, a bad namespace and the missing SASL login in one error', () => {
    expect(
      problemsOf({
        KAFKA_BROKERS: 'localhost',
        SAMENLOOP_TOPIC_NAMESPACE: 'Test_1',
        KAFKA_SECURITY_PROTOCOL: 'SASL_PLAINTEXT',
        KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
        KAFKA_SASL_PASSWORD: 'pw',
      }),
    ).toEqual([
      'KAFKA_BROKERS.0: each broker must be host:port',
      'SAMENLOOP_TOPIC_NAMESPACE: must be empty or up to 40 lower-case letters, digits and dashes',
      'KAFKA_SASL_USERNAME: is required with KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT: the principal to authenticate as',
    ]);
  });

  it('refuses partner key pins inside the keys folder, as the gateway does', () => {
    expect(
      problemsOf({
        SAMENLOOP_KEYS_DIR: '/srv/keys',
        SAMENLOOP_PARTNER_KEYS_FILE: '/srv/keys/pins.yaml',
      }),
    ).toEqual([
      expect.stringMatching(/^SAMENLOOP_PARTNER_KEYS_FILE: must not be inside SAMENLOOP_KEYS_DIR/),
    ]);
  });

  it('refuses a gateway group the gateway would refuse, since acl apply grants it', () => {
    expect(problemsOf({ GATEWAY_CONSUMER_GROUP: 'group with spaces' })).toEqual([
      'GATEWAY_CONSUMER_GROUP: must be 1-128 letters, digits, dots, dashes or underscores',
    ]);
  });

  it('reads an empty optional path as unset and puts the pins beside the keys folder in use', () => {
    const settings = cliSettings({
      SAMENLOOP_KEYS_DIR: '/srv/keys',
      SAMENLOOP_PARTNER_KEYS_FILE: '',
    });

    expect(settings.partnerKeysFile).toBeUndefined();
    expect(partnerKeysFileFor(settings, '/elsewhere/keys')).toBe('/elsewhere/partner-keys.yaml');
    expect(settings.hub).toEqual({ consumerGroup: 'samenloop-gateway' });
  });

  it('names the CLI in the heading and lists every problem on a line of its own', () => {
    expect(() =>
      cliSettings({ KAFKA_BROKERS: 'localhost', GATEWAY_CONSUMER_GROUP: 'a b' }),
    ).toThrow(
      /^Invalid samenloop settings:\n {2}- KAFKA_BROKERS\.0: .*\n {2}- GATEWAY_CONSUMER_GROUP: .*$/,
    );
  });
});
