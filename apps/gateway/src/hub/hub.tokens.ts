/** Injection tokens for the hub's parts that are interfaces or third-party classes. */
export const HUB_KEYS = Symbol('HubKeys');
/** A Kafka client for the hub's cluster, on which every hub topic exists. */
export const HUB_KAFKA = Symbol('HubKafka');
export const HUB_HANDLERS = Symbol('HubHandlers');
