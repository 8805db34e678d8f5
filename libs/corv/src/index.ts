export { readCorvZorgmelding, writeCorvZorgmelding } from './corv-zorgmelding';
export type { CorvKop, CorvReading, CorvSubmission } from './corv-zorgmelding';
export { validateCorvFile } from './validate-corv-file';
export { hubDocumentXml } from './hub-document-xml';
export { ZORGMELDING_NAMESPACE } from './zorgmelding-mapping';
