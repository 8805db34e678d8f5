/** Every Kafka topic name Samenloop uses, in one place: `samenloop.<direction>.<partner>.v1`. */
const VERSION = 'v1';

/** Where a partner submits; only that partner may write here. */
export function inboundTopic(partnerId: string): string {
  return `samenloop.in.${partnerId.toLowerCase()}.${VERSION}`;
}

/** Where a partner receives its deliveries, receipts and rejections. */
export function deliveryTopic(partnerId: string): string {
  return `samenloop.out.${partnerId.toLowerCase()}.${VERSION}`;
}

/** One record per (message, recipient) decision; append-only. */
export const AUDIT_TOPIC = `samenloop.audit.${VERSION}`;

/** The hub's case state (threads, stages, seen message ids), compacted and rebuilt at start-up. */
export const CASE_STATE_TOPIC = `samenloop.state.cases.${VERSION}`;
