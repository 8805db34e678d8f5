export { createKafka } from './kafka-client';
export type { KafkaSettings } from './kafka-client';
export { ensureTopics, TopicConfigurationError } from './topic-admin';
export { waitForBroker } from './broker-readiness';
export type { TopicSpec } from './topic-admin';
export { TransactionalPipeline } from './transactional-pipeline';
export type {
  ChunkState,
  PipelineState,
  TransactionalPipelineOptions,
} from './transactional-pipeline';
export { DEAD_LETTER_HEADERS, recordBytes, toDeadLetter } from './dead-letter';
export { PARKED_HEADERS, toParked } from './parking';
export type { ParkedScope, ParkingContext } from './parking';
export { topicNames } from './topic-names';
export type { TopicNames } from './topic-names';
export { SamenloopError, PoisonRecordError, TransientProcessingError, isRetriable } from './errors';
export type { InboundRecord, OutboundRecord, RecordHandler } from './records';
