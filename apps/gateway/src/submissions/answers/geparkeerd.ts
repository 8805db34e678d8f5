import type { ParkingReason } from '@samenloop/policy';

/** What a receipt says is parked: the whole message, or only its part for Veilig Thuis. */
export interface Geparkeerd {
  readonly reden: ParkingReason;
  readonly deel?: 'veilig-thuis';
  readonly toelichting: string;
}

/** What the receipt says is held, and why, in words the sender can act on. */
export function geparkeerd(reason: ParkingReason, deel: 'bericht' | 'veilig-thuis'): Geparkeerd {
  const explanation =
    reason === 'gemeente-ontbreekt'
      ? "the household's municipality (gemeentecode) is missing, so the hub cannot tell which Veilig Thuis serves it"
      : "no Veilig Thuis in the partner registry serves the household's municipality";
  return deel === 'bericht'
    ? {
        reden: reason,
        toelichting: `Parked, not delivered to anyone yet: ${explanation}. The hub operator has been alerted and releases it once it can be routed; you need not send it again.`,
      }
    : {
        reden: reason,
        deel,
        toelichting: `The part for Veilig Thuis is held: ${explanation}. The other recipients are not kept waiting for it. The hub operator has been alerted and releases the part for Veilig Thuis once it can be routed; you need not send the message again.`,
      };
}
