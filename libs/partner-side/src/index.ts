export * from './open-hub-document';
export * from './partner-keys';
export * from './partner-record-key';
export * from './seal-submission';
export * from './connector-api-client';
export * from './connector-folders';
