import path from 'node:path';
import { InvalidConfigurationError, loadGatewayConfig } from './gateway-config';

describe(loadGatewayConfig.name, () => {
  it('parses a complete environment into a frozen, typed configuration', () => {
    const config = loadGatewayConfig({
      KAFKA_BROKERS: '127.0.0.1:19092, broker-2:9092',
      SAMENLOOP_KEYS_DIR: '/var/lib/samenloop/keys',
      SAMENLOOP_PARTNER_KEYS_FILE: '/var/lib/samenloop/partner-keys.yaml',
      GATEWAY_INSTANCE_ID: 'gateway-7',
      GATEWAY_HTTP_PORT: '8080',
      LOG_LEVEL: 'debug',
    });

    expect(config).toMatchObject({
      kafka: { brokers: ['127.0.0.1:19092', 'broker-2:9092'], clientId: 'samenloop-gateway-7' },
      transactionalId: 'samenloop-gateway.transactions',
      lease: { groupId: 'samenloop-gateway.lease', sessionTimeoutMs: 10_000 },
      topics: { deadLetter: 'samenloop.deadletter.v1', audit: 'samenloop.audit.v1' },
      keysDirectory: '/var/lib/samenloop/keys',
      partnerKeysFile: '/var/lib/samenloop/partner-keys.yaml',
      hubKeyPassphrase: undefined,
      maxMessageBytes: 524_288,
      hubOin: '00000099000000009001',
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
        SAMENLOOP_TOPIC_NAMESPACE: 'Not A Namespace',
        GATEWAY_MAX_MESSAGE_BYTES: '100',
        LOG_LEVEL: 'loud',
      });
    } catch (error) {
      thrown = error;
    }

    expect(thrown).toBeInstanceOf(InvalidConfigurationError);
    const { problems, message } = thrown as InvalidConfigurationError;
    expect(problems).toEqual([
      expect.stringMatching(/^KAFKA_BROKERS: is required/),
      'SAMENLOOP_TOPIC_NAMESPACE: must be empty or up to 40 lower-case letters, digits and dashes',
      'GATEWAY_HTTP_PORT: must be between 0 and 65535',
      'GATEWAY_MAX_MESSAGE_BYTES: must be at least 65536 (64 KiB, the NL GOV CloudEvents minimum)',
      expect.stringMatching(/^SAMENLOOP_KEYS_DIR: is required/),
      expect.stringMatching(/^LOG_LEVEL: /),
      expect.stringMatching(/^SAMENLOOP_PARTNER_KEYS_FILE: is required/),
    ]);
    expect(message).toContain('Invalid gateway configuration:\n  - KAFKA_BROKERS');
  });

  it('shares one transactional id and one lease among the instances of a consumer group', () => {
    const required = {
      KAFKA_BROKERS: '127.0.0.1:19092',
      SAMENLOOP_KEYS_DIR: '/keys',
      SAMENLOOP_PARTNER_KEYS_FILE: '/partner-keys.yaml',
      GATEWAY_CONSUMER_GROUP: 'hub',
    };
    const [first, second] = ['gateway-1', 'gateway-2'].map((id) =>
      loadGatewayConfig({ ...required, GATEWAY_INSTANCE_ID: id }),
    );

    expect(first!.transactionalId).toBe(second!.transactionalId);
    expect(first!.lease).toEqual(second!.lease);
    expect(first!.kafka.clientId).not.toBe(second!.kafka.clientId);
    expect(
      loadGatewayConfig({ ...required, GATEWAY_LEASE_SESSION_TIMEOUT_MS: '6000' }).lease,
    ).toEqual({ groupId: 'hub.lease', sessionTimeoutMs: 6_000 });
    expect(() =>
      loadGatewayConfig({ ...required, GATEWAY_LEASE_SESSION_TIMEOUT_MS: '1000' }),
    ).toThrow(
      /GATEWAY_LEASE_SESSION_TIMEOUT_MS: must be between 6000 and 300000 \(how long the active gateway may go silent/,
    );
  });

  it('keeps each class of topic for its own retention, by default and as set', () => {
    const required = {
      KAFKA_BROKERS: '127.0.0.1:19092',
      SAMENLOOP_KEYS_DIR: '/keys',
      SAMENLOOP_PARTNER_KEYS_FILE: '/partner-keys.yaml',
    };
    const day = 24 * 3_600_000;

    expect(loadGatewayConfig(required).retention).toEqual({
      inboundMs: 72 * 3_600_000,
      deliveriesMs: 14 * day,
      auditMs: 183 * day,
      deadLettersMs: 30 * day,
    });
    expect(
      loadGatewayConfig({
        ...required,
        SAMENLOOP_RETENTION_INBOUND_HOURS: '24',
        SAMENLOOP_RETENTION_AUDIT_DAYS: '3650',
      }).retention,
    ).toMatchObject({ inboundMs: 24 * 3_600_000, auditMs: 3650 * day });
  });

  it('refuses an audit retention shorter than the legal term for traffic data', () => {
    expect(() =>
      loadGatewayConfig({
        KAFKA_BROKERS: '127.0.0.1:19092',
        SAMENLOOP_KEYS_DIR: '/keys',
        SAMENLOOP_PARTNER_KEYS_FILE: '/partner-keys.yaml',
        SAMENLOOP_RETENTION_AUDIT_DAYS: '7',
        SAMENLOOP_RETENTION_INBOUND_HOURS: '1.5',
      }),
    ).toThrow(
      expect.objectContaining({
        problems: [
          'SAMENLOOP_RETENTION_INBOUND_HOURS: must be a whole number of hours',
          'SAMENLOOP_RETENTION_AUDIT_DAYS: must be at least 183 (6 months, the shortest legal term for traffic data)',
        ],
      }) as Error,
    );
  });

  it('forgets a closed case after 30 days by default, and never before the inbound topics forget its submissions', () => {
    const required = {
      KAFKA_BROKERS: '127.0.0.1:19092',
      SAMENLOOP_KEYS_DIR: '/keys',
      SAMENLOOP_PARTNER_KEYS_FILE: '/partner-keys.yaml',
    };

    expect(loadGatewayConfig(required).closedCaseRetentionMs).toBe(30 * 24 * 3_600_000);
    expect(() =>
      loadGatewayConfig({
        ...required,
        SAMENLOOP_RETENTION_INBOUND_HOURS: '72',
        SAMENLOOP_RETENTION_CLOSED_CASES_DAYS: '3',
      }),
    ).toThrow(
      expect.objectContaining({
        problems: [
          "SAMENLOOP_RETENTION_CLOSED_CASES_DAYS: must be longer than SAMENLOOP_RETENTION_INBOUND_HOURS: a closed case's message ids keep a submission read again from its inbound topic from being routed twice",
        ],
      }) as Error,
    );
  });

  it('finds the policy tests in the policy folder unless told otherwise', () => {
    const required = {
      KAFKA_BROKERS: '127.0.0.1:19092',
      SAMENLOOP_KEYS_DIR: '/keys',
      SAMENLOOP_PARTNER_KEYS_FILE: '/partner-keys.yaml',
    };

    expect(
      loadGatewayConfig({ ...required, SAMENLOOP_POLICY_DIR: '/etc/samenloop/policies' }),
    ).toMatchObject({
      policyDirectory: '/etc/samenloop/policies',
      policyTestsDirectory: '/etc/samenloop/policies/tests',
      schemasDirectory: path.resolve('schemas'),
    });
    expect(
      loadGatewayConfig({
        ...required,
        SAMENLOOP_POLICY_TESTS_DIR: '/etc/samenloop/policy-tests',
        SAMENLOOP_SCHEMAS_DIR: '/opt/samenloop/schemas',
      }),
    ).toMatchObject({
      policyTestsDirectory: '/etc/samenloop/policy-tests',
      schemasDirectory: '/opt/samenloop/schemas',
    });
    expect(() => loadGatewayConfig({ ...required, SAMENLOOP_POLICY_TESTS_DIR: '' })).toThrow(
      /SAMENLOOP_POLICY_TESTS_DIR: must name a folder when set/,
    );
  });

  describe('restart back-off and commit stall', () => {
    const required = {
      KAFKA_BROKERS: '127.0.0.1:19092',
      SAMENLOOP_KEYS_DIR: '/keys',
      SAMENLOOP_PARTNER_KEYS_FILE: '/partner-keys.yaml',
    };

    const problemsOf = (env: Record<string, string>): readonly string[] => {
      try {
        loadGatewayConfig({ ...required, ...env });
      } catch (error) {
        if (error instanceof InvalidConfigurationError) return error.problems;
        throw error;
      }
      return [];
    };

    it('defaults to 1 s doubling to 60 s, reset after a healthy minute, and a 30 s stall', () => {
      const config = loadGatewayConfig(required);

      expect(config.restartBackoff).toEqual({
        initialMs: 1_000,
        maxMs: 60_000,
        healthyResetMs: 60_000,
      });
      expect(config.commitStallMs).toBe(30_000);
      expect(Object.isFrozen(config.restartBackoff)).toBe(true);
    });

    it('takes them from the environment', () => {
      expect(
        loadGatewayConfig({
          ...required,
          GATEWAY_RESTART_BACKOFF_INITIAL_MS: '500',
          GATEWAY_RESTART_BACKOFF_MAX_MS: '120000',
          GATEWAY_RESTART_BACKOFF_RESET_MS: '300000',
          GATEWAY_COMMIT_STALL_MS: '10000',
        }),
      ).toMatchObject({
        restartBackoff: { initialMs: 500, maxMs: 120_000, healthyResetMs: 300_000 },
        commitStallMs: 10_000,
      });
    });

    it('names each one out of bounds, with what it is for', () => {
      expect(
        problemsOf({
          GATEWAY_RESTART_BACKOFF_INITIAL_MS: '10',
          GATEWAY_RESTART_BACKOFF_MAX_MS: '7200000',
          GATEWAY_RESTART_BACKOFF_RESET_MS: 'soon',
          GATEWAY_COMMIT_STALL_MS: '1.5',
        }),
      ).toEqual([
        'GATEWAY_RESTART_BACKOFF_INITIAL_MS: must be between 100 and 60000 (the wait before the first restart)',
        'GATEWAY_RESTART_BACKOFF_MAX_MS: must be between 1000 and 3600000 (the longest wait between restarts)',
        'GATEWAY_RESTART_BACKOFF_RESET_MS: must be a number of milliseconds',
        'GATEWAY_COMMIT_STALL_MS: must be a whole number of milliseconds',
      ]);
    });

    it('rejects a longest wait shorter than the first, alongside any other problem', () => {
      expect(
        problemsOf({
          GATEWAY_RESTART_BACKOFF_INITIAL_MS: '30000',
          GATEWAY_RESTART_BACKOFF_MAX_MS: '10000',
          GATEWAY_HTTP_PORT: '70000',
        }),
      ).toEqual([
        'GATEWAY_HTTP_PORT: must be between 0 and 65535',
        'GATEWAY_RESTART_BACKOFF_MAX_MS: must be at least GATEWAY_RESTART_BACKOFF_INITIAL_MS',
      ]);
    });
  });

  it('connects over PLAINTEXT unless the KAFKA_* security settings say otherwise', () => {
    const required = {
      KAFKA_BROKERS: '127.0.0.1:19092',
      SAMENLOOP_KEYS_DIR: '/keys',
      SAMENLOOP_PARTNER_KEYS_FILE: '/partner-keys.yaml',
    };

    expect(loadGatewayConfig(required).kafka.connection).toEqual({ securityProtocol: 'PLAINTEXT' });
    expect(
      loadGatewayConfig({
        ...required,
        KAFKA_SECURITY_PROTOCOL: 'SASL_PLAINTEXT',
        KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
        KAFKA_SASL_USERNAME: 'samenloop-hub',
        KAFKA_SASL_PASSWORD: 'pw',
      }).kafka.connection,
    ).toEqual({
      securityProtocol: 'SASL_PLAINTEXT',
      sasl: { mechanism: 'SCRAM-SHA-512', username: 'samenloop-hub', password: 'pw' },
    });
  });

  it('lists a bad combination of Kafka security settings with every other bad setting', () => {
    let thrown: unknown;
    try {
      loadGatewayConfig({
        SAMENLOOP_KEYS_DIR: '/keys',
        SAMENLOOP_PARTNER_KEYS_FILE: '/partner-keys.yaml',
        KAFKA_SECURITY_PROTOCOL: 'SASL_SSL',
        KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
        KAFKA_SASL_PASSWORD: 'pw',
        KAFKA_SSL_CERT_FILE: '/nowhere/client.pem',
      });
    } catch (error) {
      thrown = error;
    }

    expect(thrown).toBeInstanceOf(InvalidConfigurationError);
    expect((thrown as InvalidConfigurationError).problems).toEqual([
      expect.stringMatching(/^KAFKA_BROKERS: is required/),
      'KAFKA_SSL_CERT_FILE: cannot read /nowhere/client.pem (ENOENT)',
      'KAFKA_SASL_USERNAME: is required with KAFKA_SECURITY_PROTOCOL=SASL_SSL: the principal to authenticate as',
      'KAFKA_SSL_KEY_FILE: is required with KAFKA_SSL_CERT_FILE (mTLS)',
    ]);
  });

  it('reads a case state in clear only when the one-shot migration is asked for, by true or false', () => {
    const required = {
      KAFKA_BROKERS: '127.0.0.1:19092',
      SAMENLOOP_KEYS_DIR: '/keys',
      SAMENLOOP_PARTNER_KEYS_FILE: '/partner-keys.yaml',
    };

    expect(loadGatewayConfig(required).migrateClearCaseState).toBe(false);
    expect(
      loadGatewayConfig({ ...required, SAMENLOOP_MIGRATE_CLEAR_CASE_STATE: 'true' })
        .migrateClearCaseState,
    ).toBe(true);
    expect(() =>
      loadGatewayConfig({ ...required, SAMENLOOP_MIGRATE_CLEAR_CASE_STATE: 'yes' }),
    ).toThrow(/SAMENLOOP_MIGRATE_CLEAR_CASE_STATE: must be true or false/);
  });

  it('rejects a broker list entry without a port', () => {
    expect(() =>
      loadGatewayConfig({
        KAFKA_BROKERS: '127.0.0.1',
        SAMENLOOP_KEYS_DIR: '/keys',
        SAMENLOOP_PARTNER_KEYS_FILE: '/partner-keys.yaml',
      }),
    ).toThrow(/KAFKA_BROKERS\.0: each broker must be host:port/);
  });

  describe('key trust', () => {
    const required = { KAFKA_BROKERS: '127.0.0.1:19092', SAMENLOOP_KEYS_DIR: '/srv/keys' };

    it('refuses partner key pins inside the keys folder, whose writer they guard against', () => {
      expect(() =>
        loadGatewayConfig({
          ...required,
          SAMENLOOP_PARTNER_KEYS_FILE: '/srv/keys/partners/pins.yaml',
        }),
      ).toThrow(/SAMENLOOP_PARTNER_KEYS_FILE: must not be inside SAMENLOOP_KEYS_DIR/);
      expect(
        loadGatewayConfig({ ...required, SAMENLOOP_PARTNER_KEYS_FILE: '/srv/partner-keys.yaml' })
          .partnerKeysFile,
      ).toBe('/srv/partner-keys.yaml');
    });

    it('takes the hub key passphrase from a file or the environment, not both (listed with any other problem), and never shows it', () => {
      const pins = { ...required, SAMENLOOP_PARTNER_KEYS_FILE: '/srv/partner-keys.yaml' };

      expect(
        loadGatewayConfig({ ...pins, SAMENLOOP_HUB_KEY_PASSPHRASE_FILE: '/run/secrets/hub' })
          .hubKeyPassphrase,
      ).toEqual({ setting: 'SAMENLOOP_HUB_KEY_PASSPHRASE_FILE', file: '/run/secrets/hub' });
      const fromEnvironment = loadGatewayConfig({
        ...pins,
        SAMENLOOP_HUB_KEY_PASSPHRASE: 'correct horse',
      });
      expect(fromEnvironment.hubKeyPassphrase).toMatchObject({
        setting: 'SAMENLOOP_HUB_KEY_PASSPHRASE',
      });
      expect(JSON.stringify(fromEnvironment)).not.toContain('correct horse');

      let thrown: unknown;
      try {
        loadGatewayConfig({
          ...pins,
          SAMENLOOP_HUB_KEY_PASSPHRASE_FILE: '/run/secrets/hub',
          SAMENLOOP_HUB_KEY_PASSPHRASE: 'correct horse',
          GATEWAY_HTTP_PORT: '70000',
        });
      } catch (error) {
        thrown = error;
      }
      expect((thrown as InvalidConfigurationError).problems).toEqual([
        'GATEWAY_HTTP_PORT: must be between 0 and 65535',
        'SAMENLOOP_HUB_KEY_PASSPHRASE: set either SAMENLOOP_HUB_KEY_PASSPHRASE_FILE or SAMENLOOP_HUB_KEY_PASSPHRASE, not both',
      ]);
      expect((thrown as Error).message).not.toContain('correct horse');
    });
  });
});
