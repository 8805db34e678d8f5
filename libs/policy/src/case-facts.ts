import type { MessagePayloads, MessageType } from '@samenloop/contracts';

/** What rules may condition on: facts read from the message, never taken from the sender's say-so. */
export interface CaseFacts {
  readonly domesticViolence: boolean | undefined;
  readonly minorsInvolved: boolean | undefined;
  /** The household's municipality, which decides which VT serves it. */
  readonly gemeentecode: string | undefined;
  /** The partners that reported the case: known from the case thread, never from one message. */
  readonly melders?: readonly string[];
}

type FactReader<T extends MessageType> = (payload: MessagePayloads[T]) => CaseFacts;

interface Betrokkene {
  readonly rol: string;
  readonly minderjarig?: boolean;
}
const anyMinor = (betrokkenen: readonly Betrokkene[]) =>
  betrokkenen.some((betrokkene) => betrokkene.minderjarig === true || betrokkene.rol === 'kind');

const UNKNOWN: CaseFacts = {
  domesticViolence: undefined,
  minorsInvolved: undefined,
  gemeentecode: undefined,
};

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
  'nl.samenloop.afdoeningsbeslissing': () => UNKNOWN,
  'nl.samenloop.actie-overleg-aanmelding': (payload) => ({
    domesticViolence: true,
    minorsInvolved:
      payload.ondertoezichtstelling || payload.raadBetrokken || anyMinor(payload.betrokkenen),
    gemeentecode: payload.huishouden.adres.gemeentecode,
  }),
  'nl.samenloop.kindermishandeling-afstemming': (payload) => ({
    domesticViolence: true,
    minorsInvolved: true,
    gemeentecode: payload.huishouden.adres.gemeentecode,
  }),
  // Follow-ups and the hub's own alerts state no facts: the case thread knows them.
  'nl.samenloop.terugkoppeling-aan-melder': () => UNKNOWN,
  'nl.samenloop.zaakafsluiting': () => UNKNOWN,
  'nl.samenloop.zsm-termijn-signalering': () => UNKNOWN,
  'nl.samenloop.zorgmelding-ontbreekt': () => UNKNOWN,
  'nl.samenloop.routering-geparkeerd': () => UNKNOWN,
  'nl.samenloop.koppeling-conflict': () => UNKNOWN,
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
    melders: fromCase.melders,
  };
}
