import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ContractValidator, type MessagePayloads } from '@samenloop/contracts';
import { decisionFacts, growFacts, newMunicipalities, readStatedFacts } from './case-facts';

const SCHEMAS = path.resolve(__dirname, '../../../schemas');
const validator = new ContractValidator();
const ENTRY = 'verdachtenmonitor-entry/examples/valid/partnergeweld-aangehouden-met-kinderen.json';
const BEOORDELING =
  'veiligheidsbeoordeling/examples/valid/partnergeweld-kinderen-contact-en-locatieverbod.json';

function payloadOf<T extends keyof MessagePayloads>(fixture: string): MessagePayloads[T] {
  const validation = validator.validateSubmissionJson(
    readFileSync(path.join(SCHEMAS, fixture), 'utf8'),
  );
  if (!validation.ok) throw new Error(`${fixture} is not valid`);
  return structuredClone(validation.value.payload) as unknown as MessagePayloads[T];
}

describe(readStatedFacts.name, () => {
  it("takes the household's municipality from a verdachtenmonitor entry, never the suspect's address", () => {
    const entry = payloadOf<'nl.samenloop.verdachtenmonitor-entry'>(ENTRY);
    entry.verdachte.adres = { woonplaats: 'Breda', gemeentecode: 'GM0758' };
    entry.aanhouding.locatie = { woonplaats: 'Tilburg', gemeentecode: 'GM0855' };
    entry.huishouden = { gemeentecode: 'GM0772' };
    expect(
      readStatedFacts('nl.samenloop.verdachtenmonitor-entry', entry).caseFacts.gemeentecodes,
    ).toEqual(['GM0772']);

    delete entry.huishouden;
    expect(
      readStatedFacts('nl.samenloop.verdachtenmonitor-entry', entry).caseFacts.gemeentecodes,
    ).toBeUndefined();
  });

  it('leaves minors unknown when a veiligheidsbeoordeling lists no children at all', () => {
    const beoordeling = payloadOf<'nl.samenloop.veiligheidsbeoordeling'>(BEOORDELING);
    delete beoordeling.kinderenInBeeld;
    expect(
      readStatedFacts('nl.samenloop.veiligheidsbeoordeling', beoordeling).caseFacts,
    ).not.toHaveProperty('minorsInvolved');
  });

  it("judges a suspect's age at the arrest (WvSr art. 77a), unless the entry states it", () => {
    const entry = payloadOf<'nl.samenloop.verdachtenmonitor-entry'>(ENTRY);
    delete entry.verdachte.minderjarig;
    entry.aanhouding.tijdstip = '2026-11-23T22:00:00+01:00';
    entry.verdachte.geboortedatum = '2008-11-23';
    expect(readStatedFacts('nl.samenloop.verdachtenmonitor-entry', entry).suspectAdult).toBe(true);
    entry.verdachte.geboortedatum = '2008-11-24';
    expect(readStatedFacts('nl.samenloop.verdachtenmonitor-entry', entry).suspectAdult).toBe(false);
    entry.verdachte.minderjarig = false;
    expect(readStatedFacts('nl.samenloop.verdachtenmonitor-entry', entry).suspectAdult).toBe(true);
  });
});

describe(growFacts.name, () => {
  it('keeps what is known, lets true outrank false, and adds municipalities', () => {
    expect(
      growFacts(
        { minorsInvolved: true, domesticViolence: false, gemeentecodes: ['GM0772'] },
        { minorsInvolved: false, domesticViolence: true, gemeentecodes: ['GM0772', 'GM0828'] },
      ),
    ).toEqual({
      minorsInvolved: true,
      domesticViolence: true,
      gemeentecodes: ['GM0772', 'GM0828'],
    });
    expect(growFacts({ raadBetrokken: false }, {})).toEqual({ raadBetrokken: false });
  });
});

describe(newMunicipalities.name, () => {
  it('names only municipalities a thread that knew others did not know', () => {
    expect(newMunicipalities({ gemeentecodes: ['GM0772'] }, { gemeentecodes: ['GM0828'] })).toEqual(
      ['GM0828'],
    );
    expect(newMunicipalities({}, { gemeentecodes: ['GM0828'] })).toEqual([]);
    expect(newMunicipalities({ gemeentecodes: ['GM0772'] }, { gemeentecodes: ['GM0772'] })).toEqual(
      [],
    );
  });
});

describe(decisionFacts.name, () => {
  it("takes the suspect's age from the thread for a message that names no suspect, when all agree", () => {
    const thread = (facts: object) => ({ facts, melders: [], recipients: ['OM'] });
    expect(decisionFacts(thread({ adultSuspect: true }), { caseFacts: {} }).suspectAdult).toBe(
      true,
    );
    expect(
      decisionFacts(thread({ adultSuspect: true, minorSuspect: true }), { caseFacts: {} }),
    ).not.toHaveProperty('suspectAdult');
    expect(decisionFacts(thread({}), { caseFacts: {} }).recipients).toEqual(['OM']);
  });
});
