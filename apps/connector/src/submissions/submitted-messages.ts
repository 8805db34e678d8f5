/** A submission the connector made for the case system, as its state remembers it: ids only. */
export interface SubmittedMessage {
  readonly messageId: string;
  /** The message type, e.g. `zorgmelding`. */
  readonly type: string;
  readonly submittedAt: string;
}

/** The submissions this connector made, restored from its submissions topic at start-up. */
export abstract class SubmittedMessages {
  abstract find(messageId: string): SubmittedMessage | undefined;
}
