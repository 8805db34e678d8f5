import type { MessagePayloads, MessageType } from '@samenloop/contracts';

/**
 * What the hub knows of a case thread, gathered from every message accepted in it. Facts only grow:
 * a message that does not state a fact leaves it as it was (unknown is not false), a stated `true`
 * is never turned back by a later `false`, and a household municipality once named stays named.
 * Only a zaakfeiten-correctie, sent by a partner of the thread and audited, retracts one.
 */
export interface CaseFacts {
  readonly domesticViolence?: boolean;
  readonly minorsInvolved?: boolean;
  /** Every municipality the household was named in: it decides which VT serves the case. */
  readonly gemeentecodes?: readonly string[];
  /** VT decided to involve the Raad voor de Kinderbescherming, or the Raad is involved already. */
  readonly raadBetrokken?: boolean;
  /** An adult suspect was on the verdachtenmonitor in this case. */
  readonly adultSuspect?: boolean;
  /** A minor suspect was on the verdachtenmonitor in this case. */
  readonly minorSuspect?: boolean;
}

export type CaseFact = keyof CaseFacts;

/** What one message states: facts of the case, and facts of this message alone. */
export interface StatedFacts {
  readonly caseFacts: CaseFacts;
  /** The suspect this message is about is an adult (a verdachtenmonitor entry says so). */
  readonly suspectAdult?: boolean;
  /** The OM's decision imposes probation supervision or special conditions. */
  readonly supervisionOrConditions?: boolean;
}

/**
 * What a decision about one message in its thread may rest on: the thread's facts grown with the
 * message's, the thread's history, and what the message says of itself.
 */
export interface DecisionFacts extends CaseFacts {
  /** The partners that reported the case. */
  readonly melders?: readonly string[];
  /** The partners that received something in the thread before this message. */
  readonly recipients?: readonly string[];
  /** The suspect concerned is an adult: the message's own, else every suspect the thread knows. */
  readonly suspectAdult?: boolean;
  readonly supervisionOrConditions?: boolean;
}

type FactReader<T extends MessageType> = (payload: MessagePayloads[T]) => StatedFacts;

interface Betrokkene {
  readonly rol: string;
  readonly minderjarig?: boolean;
}
const anyMinor = (betrokkenen: readonly Betrokkene[]) =>
  betrokkenen.some((betrokkene) => betrokkene.minderjarig === true || betrokkene.rol === 'kind');

const NOTHING: StatedFacts = { caseFacts: {} };

/** A zorgmelding, acuut-signaal, veiligheidsbeoordeling and the like exist only for HG or KM. */
const household = (gemeentecode: string | undefined, facts: CaseFacts = {}): StatedFacts => ({
  caseFacts: {
    domesticViolence: true,
    ...facts,
    ...(gemeentecode ? { gemeentecodes: [gemeentecode] } : {}),
  },
});

/**
 * Per message type, where its facts are. Never the suspect's address or the place of arrest for
 * the household: an ex-partner may live in another region than the family the VT serves.
 */
const READERS: { [T in MessageType]: FactReader<T> } = {
  'nl.samenloop.zorgmelding': (payload) =>
    household(payload.huishouden.adres.gemeentecode, {
      minorsInvolved: payload.kinderenAanwezig || anyMinor(payload.betrokkenen),
    }),
  'nl.samenloop.acuut-signaal': (payload) =>
    household(payload.situatie.locatie.gemeentecode, {
      minorsInvolved: anyMinor(payload.betrokkenen),
    }),
  'nl.samenloop.verdachtenmonitor-entry': (payload) => {
    const adult = isAdultSuspect(payload);
    return {
      caseFacts: {
        domesticViolence: payload.huiselijkGeweld,
        minorsInvolved: payload.minderjarigenBetrokken,
        ...(payload.huishouden ? { gemeentecodes: [payload.huishouden.gemeentecode] } : {}),
        ...(adult ? { adultSuspect: true } : { minorSuspect: true }),
      },
      suspectAdult: adult,
    };
  },
  'nl.samenloop.veiligheidsbeoordeling': (payload) =>
    household(undefined, {
      // No list of children is no statement about children.
      ...(payload.kinderenInBeeld ? { minorsInvolved: payload.kinderenInBeeld.length > 0 } : {}),
      ...(payload.raadInschakelen !== undefined ? { raadBetrokken: payload.raadInschakelen } : {}),
    }),
  'nl.samenloop.afdoeningsbeslissing': (payload) => ({
    caseFacts: {},
    supervisionOrConditions:
      payload.reclasseringstoezicht === true || (payload.voorwaarden ?? []).length > 0,
  }),
  'nl.samenloop.actie-overleg-aanmelding': (payload) =>
    household(payload.huishouden.adres.gemeentecode, {
      minorsInvolved:
        payload.ondertoezichtstelling || payload.raadBetrokken || anyMinor(payload.betrokkenen),
      raadBetrokken: payload.raadBetrokken,
    }),
  'nl.samenloop.kindermishandeling-afstemming': (payload) =>
    household(payload.huishouden.adres.gemeentecode, { minorsInvolved: true }),
  // Follow-ups, corrections and the hub's own alerts state no facts: the case thread knows them.
  'nl.samenloop.terugkoppeling-aan-melder': () => NOTHING,
  'nl.samenloop.zaakafsluiting': () => NOTHING,
  'nl.samenloop.zaakfeiten-correctie': () => NOTHING,
  'nl.samenloop.zsm-termijn-signalering': () => NOTHING,
  'nl.samenloop.zorgmelding-ontbreekt': () => NOTHING,
  'nl.samenloop.routering-geparkeerd': () => NOTHING,
  'nl.samenloop.koppeling-conflict': () => NOTHING,
  'nl.samenloop.beleid-geweigerd': () => NOTHING,
};

export function readStatedFacts<T extends MessageType>(
  messageType: T,
  payload: MessagePayloads[T],
): StatedFacts {
  return READERS[messageType](payload);
}

/** WvSr art. 77a: the juvenile criminal law applies to who was under 18 at the offence. */
function isAdultSuspect(payload: MessagePayloads['nl.samenloop.verdachtenmonitor-entry']): boolean {
  if (payload.verdachte.minderjarig !== undefined) return !payload.verdachte.minderjarig;
  const born = payload.verdachte.geboortedatum;
  const at = payload.aanhouding.tijdstip.slice(0, 10);
  const eighteenth = `${String(Number(born.slice(0, 4)) + 18).padStart(4, '0')}${born.slice(4)}`;
  return eighteenth <= at;
}

/** True outranks false outranks unknown: a fact, once stated true, stays true. */
function grown(known: boolean | undefined, stated: boolean | undefined): boolean | undefined {
  return known === true || stated === true ? true : (stated ?? known);
}

/** The thread's facts after a message that states `stated`: nothing known is lost. */
export function growFacts(known: CaseFacts, stated: CaseFacts): CaseFacts {
  const gemeentecodes = [
    ...new Set([...(known.gemeentecodes ?? []), ...(stated.gemeentecodes ?? [])]),
  ];
  return definedOnly({
    domesticViolence: grown(known.domesticViolence, stated.domesticViolence),
    minorsInvolved: grown(known.minorsInvolved, stated.minorsInvolved),
    gemeentecodes: gemeentecodes.length > 0 ? gemeentecodes : undefined,
    raadBetrokken: grown(known.raadBetrokken, stated.raadBetrokken),
    adultSuspect: grown(known.adultSuspect, stated.adultSuspect),
    minorSuspect: grown(known.minorSuspect, stated.minorSuspect),
  });
}

/** The household municipalities a message names that the thread did not know yet, if it knew any. */
export function newMunicipalities(known: CaseFacts, stated: CaseFacts): string[] {
  const before = known.gemeentecodes ?? [];
  if (before.length === 0) return [];
  return (stated.gemeentecodes ?? []).filter((code) => !before.includes(code));
}

/** A fact a zaakfeiten-correctie takes back; a municipality is taken back one code at a time. */
export type Retraction =
  | { readonly fact: Exclude<CaseFact, 'gemeentecodes'> }
  | { readonly fact: 'gemeentecodes'; readonly gemeentecode: string };

const RETRACTABLE = {
  huiselijkGeweld: 'domesticViolence',
  minderjarigenBetrokken: 'minorsInvolved',
  raadBetrokken: 'raadBetrokken',
  meerderjarigeVerdachte: 'adultSuspect',
  minderjarigeVerdachte: 'minorSuspect',
} as const satisfies Record<string, Exclude<CaseFact, 'gemeentecodes'>>;

/** What a zaakfeiten-correctie takes back, in the ledger's terms. */
export function readRetractions(
  payload: MessagePayloads['nl.samenloop.zaakfeiten-correctie'],
): Retraction[] {
  return payload.intrekkingen.map((intrekking) =>
    intrekking.feit === 'huishoudenGemeente'
      ? { fact: 'gemeentecodes', gemeentecode: intrekking.gemeentecode ?? '' }
      : { fact: RETRACTABLE[intrekking.feit] },
  );
}

/** The thread's facts with the retracted ones unknown again (or the one municipality removed). */
export function retractFacts(known: CaseFacts, retractions: readonly Retraction[]): CaseFacts {
  const facts: { -readonly [F in CaseFact]?: CaseFacts[F] } = { ...known };
  for (const retraction of retractions) {
    if (retraction.fact === 'gemeentecodes') {
      const left = (facts.gemeentecodes ?? []).filter((code) => code !== retraction.gemeentecode);
      facts.gemeentecodes = left.length > 0 ? left : undefined;
    } else facts[retraction.fact] = undefined;
  }
  return definedOnly(facts);
}

/** The facts a decision about a message rests on: the thread's, grown with the message's own. */
export function decisionFacts(
  thread:
    { facts: CaseFacts; melders: readonly string[]; recipients: readonly string[] } | undefined,
  stated: StatedFacts,
): DecisionFacts {
  const facts = growFacts(thread?.facts ?? {}, stated.caseFacts);
  const suspectAdult =
    stated.suspectAdult ??
    (facts.adultSuspect && !facts.minorSuspect
      ? true
      : facts.minorSuspect && !facts.adultSuspect
        ? false
        : undefined);
  return definedOnly({
    ...facts,
    melders: thread?.melders ?? [],
    recipients: thread?.recipients ?? [],
    suspectAdult,
    supervisionOrConditions: stated.supervisionOrConditions,
  });
}

function definedOnly<T extends object>(facts: T): T {
  return Object.fromEntries(Object.entries(facts).filter(([, value]) => value !== undefined)) as T;
}
