/** Nest injection tokens of the connector's parts that are not classes of their own. */
export const CONNECTOR_SETTINGS = Symbol('ConnectorSettings');
/** The kafkajs client, logged in as the partner. */
export const CONNECTOR_KAFKA = Symbol('ConnectorKafka');
/** The partner's `PartnerKeys` (its private key, the hub's public key). */
export const PARTNER_KEYS = Symbol('PartnerKeys');
/** The `TransactionalKafkaServer` that reads the partner's delivery topic into the inbox. */
export const CONNECTOR_TRANSPORT = Symbol('ConnectorTransport');
/** The connector's root pino `Logger`: ids and field paths only, never content. */
export const CONNECTOR_LOGGER = Symbol('ConnectorLogger');
/** The file adapters' inbox folders and their handlers (`FileDrop[]`), one drop folder each. */
export const FILE_DROPS = Symbol('FileDrops');
