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

/** How a CSV file is decoded: `auto` takes UTF-8 (with or without BOM) when the bytes are valid UTF-8, else Windows-1252. */
export type CsvEncoding = 'auto' | 'utf-8' | 'windows-1252';

/**
 * The connector's file adapters, for case systems that only export and import files. Each inbox is
 * a folder the case system drops files in; the adapter moves each file it handled to `processed/`
 * or `error/` inside that folder, with a report beside it. Every adapter is off unless set.
 */
export interface ConnectorFileAdapters {
  /** `CONNECTOR_CORV_INBOX`: CORV-style XML zorgmeldingen (`schemas/corv/`). */
  readonly corvInbox?: string;
  /** ZSM verdachtenmonitor extracts (CSV), one `verdachtenmonitor-entry` per new or changed row. */
  readonly zsmExtract?: {
    /** `CONNECTOR_ZSM_INBOX` */
    readonly inbox: string;
    /** `CONNECTOR_ZSM_COLUMN_MAP`: the region's column map (YAML), e.g. `deploy/zsm-kolommen/oost-brabant.yaml`. */
    readonly columnMapFile: string;
    /** `CONNECTOR_ZSM_ENCODING` (default auto). */
    readonly encoding: CsvEncoding;
  };
  /** A case system's exports: JSON submission bodies (as `POST /v1/berichten` takes), or CSV rows mapped to them. */
  readonly export?: {
    /** `CONNECTOR_EXPORT_INBOX` */
    readonly inbox: string;
    /** `CONNECTOR_EXPORT_CSV_MAP` (optional): the column map for CSV exports; without it only JSON is taken. */
    readonly csvMapFile?: string;
    /** `CONNECTOR_EXPORT_ENCODING` (default auto). */
    readonly encoding: CsvEncoding;
  };
  /** What the hub sends the partner, written as files (instead of a webhook). */
  readonly outbox?: {
    /** `CONNECTOR_OUTBOX`: the folder; one file per document, named by its id, never overwritten. */
    readonly directory: string;
    /** `CONNECTOR_OUTBOX_FORMAT` (default json): `json`, or `xml` (`schemas/corv/`). */
    readonly format: 'json' | 'xml';
  };
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
  readonly files: ConnectorFileAdapters;
  /** `LOG_LEVEL` (default info). */
  readonly logLevel: LogLevel;
}
