import type { HubDocumentType } from '@samenloop/contracts';
import type { AcknowledgedBy } from './acknowledgement-record';

/** One hub document in the connector's inbox, opened for the case system. */
export interface InboxEntry {
  /** The document's own id (`deliveryId`, `receiptId`, `rejectionId`): what the case system acknowledges. */
  readonly id: string;
  readonly type: HubDocumentType;
  /** Opaque; `after(cursor)` returns what came after this entry. */
  readonly cursor: string;
  readonly acknowledged: boolean;
  /** Decrypted and hub-signature-verified; held in memory only, never written in clear. */
  readonly document: Record<string, unknown>;
}

export type Acknowledgement = 'acknowledged' | 'already-acknowledged' | 'unknown';

/**
 * What the connector received from the hub, in the order it arrived, each document once. The
 * receive API, the webhook and the outbox read it; any of them may acknowledge an entry, once.
 */
export abstract class Inbox {
  /** Up to `limit` entries after `cursor` (from the start without one), in order. */
  abstract after(
    cursor: string | undefined,
    limit: number,
  ): Promise<{ readonly entries: readonly InboxEntry[]; readonly next: string | undefined }>;
  /** Records that the case system took the entry over; durable before it resolves. */
  abstract acknowledge(id: string, by: AcknowledgedBy): Promise<Acknowledgement>;
  /** Calls `listener` after new entries were appended; returns the unsubscribe. */
  abstract onAppended(listener: () => void): () => void;
}
