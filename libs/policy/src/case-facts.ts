import type { MessagePayloads, MessageType } from '@samenloop/contracts';

/** What rules may condition on: facts read from the message, never taken from the sender's say-so. */
export interface CaseFacts {
  readonly domesticViolence: boolean | undefined;
  readonly minorsInvolved: boolean | undefined;
  /** The household's municipality, which decides which VT serves it. */
  readonly gemeentecode: string | undefined;
}

type FactReader<T extends MessageType> = (payload: MessagePayloads[T]) => CaseFacts;

interface Betrokkene {
  readonly rol: string;
  readonly minderjarig?: boolean;
}
const anyMinor = (betrokkenen: readonly Betrokkene[]) =>
  betrokkenen.some((betrokkene) => betrokkene.minderjarig === true || betrokkene.rol === 'kind');

/**
 * Per message type, where its facts are. A zorgmelding, acuut-signaal, veiligheidsbeoordeling and
 * actie-overleg-aanmelding exist only for domestic violence or child abuse, so the flag holds by
 * their nature; for the others the message must say so. Unknown stays unknown, and a rule whose
 * condition cannot be established does not match (deny by default).
 */
const READERS: { [T in MessageType]: FactReader<T> } = {
  'nl.samenloop.zorgmelding': (payload) => ({
    domesticViolence: true,
    minorsInvolved: payload.kinderenAanwezig || anyMinor(payload.betrokkenen),
    gemeentecode: payload.huishouden.adres.gemeentecode,
  }),
  'nl.samenloop.acuut-signaal': (payload) => ({
    domesticViolence: true,
    minorsInvolved: anyMinor(payload.betrokkenen),
    gemeentecode: payload.situatie.locatie.gemeentecode,
  }),
  'nl.samenloop.verdachtenmonitor-entry': (payload) => ({
    domesticViolence: payload.huiselijkGeweld,
    minorsInvolved: payload.minderjarigenBetrokken,
    gemeentecode: payload.verdachte.adres?.gemeentecode ?? payload.aanhouding.locatie?.gemeentecode,
  }),
  'nl.samenloop.veiligheidsbeoordeling': (payload) => ({
    domesticViolence: true,
    minorsInvolved: (payload.kinderenInBeeld ?? []).length > 0,
    gemeentecode: undefined,
  }),
  'nl.samenloop.afdoeningsbeslissing': () => ({
    domesticViolence: undefined,
    minorsInvolved: undefined,
    gemeentecode: undefined,
  }),
  'nl.samenloop.actie-overleg-aanmelding': (payload) => ({
    domesticViolence: true,
    minorsInvolved:
      payload.ondertoezichtstelling || payload.raadBetrokken || anyMinor(payload.betrokkenen),
    gemeentecode: payload.huishouden.adres.gemeentecode,
  }),
};

export function readCaseFacts<T extends MessageType>(
  messageType: T,
  payload: MessagePayloads[T],
): CaseFacts {
  return READERS[messageType](payload);
}

/** The message's own facts first; what the case thread already knows fills the gaps. */
export function mergeFacts(message: CaseFacts, fromCase: Partial<CaseFacts>): CaseFacts {
  return {
    domesticViolence: message.domesticViolence ?? fromCase.domesticViolence,
    minorsInvolved: message.minorsInvolved ?? fromCase.minorsInvolved,
    gemeentecode: message.gemeentecode ?? fromCase.gemeentecode,
  };
}
