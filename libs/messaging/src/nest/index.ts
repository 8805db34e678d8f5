export { KafkaRecordContext } from './kafka-record.context';
export { PatternHandlersError } from './pattern-handlers';
export type { TopicsByPattern } from './pattern-handlers';
export { PipelineErrorsFilter } from './pipeline-errors.filter';
export { TransactionalKafkaServer } from './transactional-kafka.server';
export type { TransactionalKafkaServerOptions } from './transactional-kafka.server';
