import type { MessageAnswer } from '../inbox/message-answers';
import type { SubmittedMessage } from '../submissions/submitted-messages';

export const MESSAGE_STATES = ['ingediend', 'afgeleverd', 'geweigerd'] as const;
export type MessageState = (typeof MESSAGE_STATES)[number];

export interface WaitingRecipient {
  readonly ontvanger: string;
  readonly reden: string;
}

export interface RejectionLine {
  readonly code: string;
  readonly pad?: string;
  readonly melding: string;
}

/** A submission's state as the case system reads it: ids, partners, codes and field paths only. */
export interface MessageStatus {
  readonly id: string;
  readonly type: string;
  readonly ingediendOp: string;
  readonly status: MessageState;
  readonly afgeleverdAan?: readonly string[];
  readonly wachtOpSleutel?: readonly WaitingRecipient[];
  readonly fouten?: readonly RejectionLine[];
}

/**
 * A submission's state from the hub's answer to it: none yet (`ingediend`), a receipt
 * (`afgeleverd`, to whom, and who waits for a usable key) or a rejection (`geweigerd`, with the
 * hub's error lines). The hub's documents were validated against their schemas when it wrote them
 * and verified by its signature here; anything missing reads as empty.
 */
export function messageStatus(
  submitted: SubmittedMessage,
  answer: MessageAnswer | undefined,
): MessageStatus {
  const base = {
    id: submitted.messageId,
    type: submitted.type,
    ingediendOp: submitted.submittedAt,
  };
  if (!answer) return { ...base, status: 'ingediend' };
  const { document } = answer;
  if (answer.type === 'receipt')
    return {
      ...base,
      status: 'afgeleverd',
      afgeleverdAan: records(document.deliveredTo).map((entry) => String(entry.recipient)),
      wachtOpSleutel: records(document.wachtOpSleutel).map((entry) => ({
        ontvanger: String(entry.recipient),
        reden: String(entry.reden),
      })),
    };
  return {
    ...base,
    status: 'geweigerd',
    fouten: records(document.errors).map((error) => ({
      code: String(error.code),
      ...(typeof error.path === 'string' ? { pad: error.path } : {}),
      melding: String(error.message),
    })),
  };
}

function records(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value)
    ? value.filter(
        (item): item is Record<string, unknown> => typeof item === 'object' && item !== null,
      )
    : [];
}
