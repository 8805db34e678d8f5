import type { TopicNames } from '@samenloop/messaging';
import type { TopicsByPattern } from '@samenloop/messaging/nest';
import type { Partner } from '@samenloop/partners';

/** What each of the hub's consumed topics carries: the pattern of its `@EventPattern` handler. */
export const HUB_RECORD_PATTERNS = {
  submission: 'submission',
  clock: 'clock',
  hubEvent: 'hub-event',
} as const;

export function hubRecordPatterns(
  topics: TopicNames,
  partners: readonly Pick<Partner, 'id'>[],
): TopicsByPattern {
  return {
    [HUB_RECORD_PATTERNS.submission]: partners.map((partner) => topics.inbound(partner.id)),
    [HUB_RECORD_PATTERNS.clock]: [topics.clock],
    [HUB_RECORD_PATTERNS.hubEvent]: [topics.hubEvents],
  };
}
