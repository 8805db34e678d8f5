import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { SCHEMA_CATALOGUE, type MessageType } from '@samenloop/contracts';
import { schemaFields } from '@samenloop/policy';
import {
  dataSubjectsOf,
  disclosedPersons,
  personsOf,
  PERSON_LOCATIONS,
  type PersonInMessage,
} from './data-subjects';
import { bsnIdentity, personIdentity } from './person-identity';

const SCHEMAS = path.resolve(__dirname, '../../../schemas');

/** Every valid example that carries a payload: submissions, envelopes and deliveries. */
function examplePayloads(): { file: string; type: MessageType; payload: unknown }[] {
  return readdirSync(SCHEMAS, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name !== 'common')
    .flatMap((schema) => {
      const folder = path.join(SCHEMAS, schema.name, 'examples', 'valid');
      let files: string[] = [];
      try {
        files = readdirSync(folder).filter((file) => file.endsWith('.json'));
      } catch {
        return [];
      }
      return files.flatMap((file) => {
        const example = JSON.parse(readFileSync(path.join(folder, file), 'utf8')) as {
          type?: MessageType;
          messageType?: MessageType;
          data?: { payload?: unknown };
          payload?: unknown;
        };
        const type = example.type ?? example.messageType;
        const payload = example.data?.payload ?? example.payload;
        return type && payload ? [{ file: `${schema.name}/${file}`, type, payload }] : [];
      });
    });
}

/** An oracle independent of the table: every object in the payload shaped like a person. */
function personShapedObjects(value: unknown, at = ''): { path: string; bsn?: string }[] {
  if (Array.isArray(value))
    return value.flatMap((item, index) => personShapedObjects(item, `${at}/${index}`));
  if (typeof value !== 'object' || value === null) return [];
  const record = value as Record<string, unknown>;
  const here =
    typeof record.geboortedatum === 'string' && typeof record.naam === 'object'
      ? [{ path: at, ...(typeof record.bsn === 'string' ? { bsn: record.bsn } : {}) }]
      : [];
  return [
    ...here,
    ...Object.entries(record).flatMap(([key, child]) => personShapedObjects(child, `${at}/${key}`)),
  ];
}

const fakePseudonyms = { of: (domain: string, value: string) => `${domain}(${value})` };

describe('PERSON_LOCATIONS', () => {
  const documents = SCHEMA_CATALOGUE.map((entry) => entry.document);

  it.each(SCHEMA_CATALOGUE.filter((entry) => entry.messageType !== undefined))(
    'names every object with a name and birth date that the $name schema defines',
    (entry) => {
      const { paths } = schemaFields(entry.document, documents);
      const personObjects = [...paths]
        .filter(
          (p) => p.endsWith('/geboortedatum') && paths.has(p.replace(/geboortedatum$/, 'naam')),
        )
        .map((p) => p.replace(/\/geboortedatum$/, ''));
      const listed = PERSON_LOCATIONS[entry.messageType as MessageType].map(
        ({ part, identity }) => `${part}${identity}`,
      );
      expect(listed.sort()).toEqual(personObjects.sort());
    },
  );
});

describe(personsOf.name, () => {
  const examples = examplePayloads();

  it('has an example with persons of every message type that holds persons', () => {
    const typesWithPersons = Object.entries(PERSON_LOCATIONS)
      .filter(([, locations]) => locations.length > 0)
      .map(([type]) => type);
    for (const type of typesWithPersons)
      expect(
        examples.filter(
          (example) => example.type === type && personsOf(type, example.payload).length > 0,
        ),
      ).not.toHaveLength(0);
  });

  it.each(examplePayloads())('finds every person in $file', ({ type, payload }) => {
    const expected = personShapedObjects(payload);
    const found = personsOf(type, payload);
    // Each person's part contains its identity object; for a betrokkene that is `/persoon`.
    expect(found.map((person) => person.path)).toEqual(
      expected.map(({ path: at }) => at.replace(/\/persoon$/, '')),
    );
    expect(found.map((person) => person.identity.by)).toEqual(
      expected.map(({ bsn }) => (bsn ? 'bsn' : 'person')),
    );
  });

  it('identifies a person by BSN where the message has one, else by name and birth date', () => {
    const persons = personsOf('nl.samenloop.zorgmelding', {
      betrokkenen: [
        {
          rol: 'pleger',
          persoon: {
            bsn: '999990019',
            naam: { voornamen: 'Jan', achternaam: 'Jansen' },
            geboortedatum: '1980-01-01',
          },
        },
        {
          rol: 'kind',
          persoon: {
            naam: { voornamen: 'Eva', voorvoegsel: 'de', achternaam: 'Vries' },
            geboortedatum: '2018-05-06',
          },
        },
      ],
    });
    expect(persons).toEqual([
      { path: '/betrokkenen/0', identity: bsnIdentity('999990019') },
      { path: '/betrokkenen/1', identity: personIdentity('Eva de Vries', '2018-05-06') },
    ]);
  });

  it('finds the suspect of a verdachtenmonitor entry and nobody in a message without persons', () => {
    expect(
      personsOf('nl.samenloop.verdachtenmonitor-entry', {
        verdachte: { naam: { achternaam: 'Bakker' }, geboortedatum: '1990-02-03' },
      }),
    ).toEqual([{ path: '/verdachte', identity: personIdentity('Bakker', '1990-02-03') }]);
    expect(personsOf('nl.samenloop.afdoeningsbeslissing', { beslissing: 'sepot' })).toEqual([]);
  });
});

describe(disclosedPersons.name, () => {
  const persons: PersonInMessage[] = [
    { path: '/betrokkenen/0', identity: bsnIdentity('999990019') },
    { path: '/betrokkenen/1', identity: personIdentity('Eva de Vries', '2018-05-06') },
  ];

  it('counts a person when a delivered path lies inside their part, even a role alone', () => {
    expect(
      disclosedPersons(persons, { level: 'inhoud', deliveredFields: ['/betrokkenen/1/rol'] }),
    ).toEqual([persons[1]]);
  });

  it('counts every person when the delivered path lies above their parts', () => {
    expect(
      disclosedPersons(persons, { level: 'inhoud', deliveredFields: ['/betrokkenen'] }),
    ).toEqual(persons);
  });

  it('counts nobody when only fields outside the persons were delivered', () => {
    expect(
      disclosedPersons(persons, {
        level: 'inhoud',
        deliveredFields: ['/incident/soortGeweld', '/huishouden/gemeentecode'],
      }),
    ).toEqual([]);
  });

  it('counts everyone in the message for a notification, and nobody when nothing is delivered', () => {
    expect(disclosedPersons(persons, { level: 'notificatie', deliveredFields: [] })).toEqual(
      persons,
    );
    expect(disclosedPersons(persons, { level: 'geen', deliveredFields: ['/betrokkenen'] })).toEqual(
      [],
    );
  });
});

describe(dataSubjectsOf.name, () => {
  it('names each person once, by pseudonym of their identity', () => {
    const jan = bsnIdentity('999990019');
    expect(
      dataSubjectsOf(
        [
          { path: '/betrokkenen/0', identity: jan },
          { path: '/betrokkenen/2', identity: jan },
          { path: '/betrokkenen/1', identity: personIdentity('Eva', '2018-05-06') },
        ],
        fakePseudonyms,
      ),
    ).toEqual([
      { by: 'bsn', pseudonym: 'bsn(999990019)' },
      { by: 'person', pseudonym: 'person(eva\n2018-05-06)' },
    ]);
  });
});
