import type { InboundRecord, OutboundRecord } from '@samenloop/messaging';

/**
 * The foundation's routing: every inbound record goes unchanged (key, value, headers) to one
 * outbound topic. The policy gateway replaces this with per-recipient decisions.
 */
export function forwardToOutbound(outboundTopic: string) {
  return (record: InboundRecord): Promise<readonly OutboundRecord[]> =>
    Promise.resolve([
      { topic: outboundTopic, key: record.key, value: record.value, headers: record.headers },
    ]);
}
