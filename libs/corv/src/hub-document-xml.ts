import type { HubDocumentType } from '@samenloop/contracts';

/**
 * A hub document (delivery, receipt, rejection) as the XML a file-based case system takes from
 * its outbox (`schemas/corv/`).
 */
export function hubDocumentXml(
  document: Readonly<Record<string, unknown>>,
  type: HubDocumentType,
): string {
  throw new Error(
    `hubDocumentXml is not built yet (${type}, ${Object.keys(document).length} fields)`,
  );
}
