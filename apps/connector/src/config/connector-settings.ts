import type { KafkaConnection, TopicNames } from '@samenloop/messaging';
import type { LogLevel } from '@samenloop/observability';

/** How the connector's HTTP API is told who calls it: every call is authenticated, over TLS. */
export type ConnectorAuthentication =
  | {
      /** mTLS: the case system presents a client certificate issued by the partner's own CA. */
      readonly mode: 'mtls';
      /** `CONNECTOR_CLIENT_CA_FILE`: PEM, the CA(s) whose client certificates are let in. */
      readonly clientCaFile: string;
    }
  | {
      /** OAuth2 client credentials: a JWT bearer token checked against the authorization server's JWKS. */
      readonly mode: 'oauth2';
      /** `CONNECTOR_JWKS_URL` (https) or `CONNECTOR_JWKS_FILE` (a local JWKS, tests and air-gapped sites). */
      readonly jwks: { readonly url: string } | { readonly file: string };
      /** `CONNECTOR_JWT_ISSUER` and `CONNECTOR_JWT_AUDIENCE`: both must match the token's `iss` and `aud`. */
      readonly issuer: string;
      readonly audience: string;
      /** `CONNECTOR_OAUTH2_TOKEN_URL` (optional): the token endpoint, for the OpenAPI document's oauth2 scheme. */
      readonly tokenUrl?: string;
    };

/** Where the connector pushes what it receives, when the case system wants it pushed. */
export interface ConnectorWebhook {
  /** `CONNECTOR_WEBHOOK_URL`: the case system's endpoint (https, or http on loopback only). */
  readonly url: string;
  /** `CONNECTOR_WEBHOOK_SECRET_FILE`: the HMAC secret shared with the case system (≥ 32 bytes). */
  readonly secret: Buffer;
  /** `CONNECTOR_WEBHOOK_BACKOFF_INITIAL_MS` / `_MAX_MS`: the wait after a failed call, doubling up to the max. */
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
}

/**
 * One connector's settings, parsed and checked at start-up (`parseConnectorSettings`). One
 * connector runs per partner, in the partner's network, with the partner's own key and Kafka login.
 */
export interface ConnectorSettings {
  /** `CONNECTOR_PARTNER_ID`: a partner of the registry (`SAMENLOOP_PARTNERS_FILE`). */
  readonly partnerId: string;
  /** The partner's CloudEvents source, `urn:nld:oin:<its OIN>`, from the registry. */
  readonly source: string;
  /** `KAFKA_BROKERS` and the `KAFKA_*` connection settings: the partner's own login. */
  readonly brokers: readonly string[];
  readonly connection: KafkaConnection;
  /** `SAMENLOOP_TOPIC_NAMESPACE`: also part of the connector's transactional and group ids. */
  readonly topicNamespace: string;
  /** `SAMENLOOP_TOPIC_NAMESPACE`, applied. */
  readonly topics: TopicNames;
  /** `SAMENLOOP_KEYS_DIR`: the partner's private key and the hub's public key. */
  readonly keysDirectory: string;
  /** `CONNECTOR_HTTP_HOST` (default 127.0.0.1) and `CONNECTOR_HTTP_PORT` (default 8443). */
  readonly http: { readonly host: string; readonly port: number };
  /** `CONNECTOR_TLS_CERT_FILE` and `CONNECTOR_TLS_KEY_FILE`: the API's own certificate (PEM). */
  readonly tls: { readonly certFile: string; readonly keyFile: string };
  readonly authentication: ConnectorAuthentication;
  readonly webhook?: ConnectorWebhook;
  /** `LOG_LEVEL` (default info). */
  readonly logLevel: LogLevel;
}
