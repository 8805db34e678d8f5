export * from './hub-document-xml';
