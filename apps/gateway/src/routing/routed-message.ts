import type { MessageType } from '@samenloop/contracts';
import type { Partner } from '@samenloop/partners';

/** What the router shares: a partner's accepted submission or one of the hub's own alerts. */
export interface RoutedMessage {
  readonly id: string;
  readonly type: MessageType;
  readonly dataschema: string;
  readonly occurredAt: string;
  /** The sender's case references by kind; the policy decides which a recipient gets. */
  readonly zaakReferenties: Readonly<Record<string, string>>;
  readonly traceparent: string;
  readonly payload: Record<string, unknown>;
  readonly sender: Partner;
}

/** A case reference as the ledger keeps it (`<kind>:<value>`), back into zaakReferenties. */
export function zaakReferentiesOf(references: readonly string[]): Record<string, string> {
  const result: Record<string, string> = {};
  for (const reference of references) {
    const separator = reference.indexOf(':');
    const kind = reference.slice(0, separator);
    result[kind] ??= reference.slice(separator + 1);
  }
  return result;
}
