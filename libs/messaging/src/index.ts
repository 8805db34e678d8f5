export { createKafka } from './kafka-client';
export type { KafkaSettings } from './kafka-client';
export {
  InvalidKafkaConnectionError,
  KAFKA_SASL_MECHANISMS,
  KAFKA_SECURITY_PROTOCOLS,
  kafkaConnectionFromEnvironment,
  kafkaConnectionSchema,
  kafkaSecurityOptions,
  PLAINTEXT_CONNECTION,
} from './kafka-connection';
export type {
  KafkaConnection,
  KafkaSaslMechanism,
  KafkaSecurityProtocol,
} from './kafka-connection';
export { hubSettingsFields } from './hub-settings';
export { ensureTopics, TopicConfigurationError } from './topic-admin';
export { waitForBroker } from './broker-readiness';
export type { TopicSpec } from './topic-admin';
export {
  BACK_TO_BACK_TRANSACTIONS_RETRY,
  DEFAULT_COMMIT_STALL_MS,
  DEFAULT_RESTART_BACKOFF,
  TransactionalPipeline,
} from './transactional-pipeline';
export type {
  ActiveDuties,
  ChunkState,
  PipelineHealth,
  PipelineState,
  RestartBackoff,
  TransactionalPipelineOptions,
} from './transactional-pipeline';
export {
  DEAD_LETTER_HEADERS,
  recordBytes,
  toDeadLetter,
  toUndecodableBatchDeadLetter,
} from './dead-letter';
export type { KeyPseudonym, UndecodableBatchRange } from './dead-letter';
export { ACCEPTED_COMPRESSIONS, UndecodableBatchError } from './compression';
export { PARKED_HEADERS, toParked } from './parking';
export type { ParkedScope, ParkingContext } from './parking';
export { isSamenloopTopic, topicNames, topicPrefix } from './topic-names';
export type { ConnectorTopicNames, TopicNames } from './topic-names';
export { SamenloopError, PoisonRecordError, TransientProcessingError, isRetriable } from './errors';
export type { InboundRecord, OutboundRecord, RecordHandler } from './records';
export { hubEventRecord } from './hub-events';
export type {
  AccessQueryEvent,
  HubEvent,
  PolicyFileEvidence,
  PolicyRefusedEvent,
  PolicyWentLiveEvent,
  WithoutId,
} from './hub-events';
export { parseHubEvent } from './hub-event-parser';
export { keyPartition } from './partitioning';
export { partitionOffsets, readPartitions } from './partition-reader';
export type { PartitionOffsets, ReadPartitionsOptions } from './partition-reader';
export {
  DEFAULT_GATEWAY_CONSUMER_GROUP,
  DEFAULT_GATEWAY_INSTANCE_ID,
  GROUP_PREFIXES,
  hubLeaseGroup,
  hubTransactionalId,
  probeGroupPrefix,
  partnerClientPrefix,
} from './client-ids';
export { KafkaLease } from './lease/kafka-lease';
export type { KafkaLeaseOptions } from './lease/kafka-lease';
export type { Lease, LeaseListener } from './lease/lease';
