import type { IHeaders } from 'kafkajs';

/** A consumed record, with where it came from; the value stays raw bytes until a handler parses it. */
export interface InboundRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: IHeaders;
  readonly timestamp: string;
}

export interface OutboundRecord {
  readonly topic: string;
  /** Set when the writer must know the partition before sending; else the key's (murmur2). */
  readonly partition?: number;
  readonly key: Buffer | string | null;
  readonly value: Buffer | string | null;
  readonly headers?: IHeaders;
}

/** Turns one inbound record into the records to write; all of them are written in one transaction. */
export type RecordHandler = (record: InboundRecord) => Promise<readonly OutboundRecord[]>;
