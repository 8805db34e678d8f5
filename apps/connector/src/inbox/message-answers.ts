import type { OpenedHubDocument } from '@samenloop/partner-side';

/** The hub's answer to one of this partner's submissions, opened on request. */
export interface MessageAnswer {
  readonly type: 'receipt' | 'rejection';
  readonly document: OpenedHubDocument['document'];
}

/** Finds the receipt or rejection the hub sent for a submission, among what the inbox holds. */
export abstract class MessageAnswers {
  /** A receipt wins over rejections (a resubmitted id is rejected as a duplicate); else the last rejection. */
  abstract answerTo(messageId: string): Promise<MessageAnswer | undefined>;
}
