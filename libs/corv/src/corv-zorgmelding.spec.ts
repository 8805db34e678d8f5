import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { ContractValidator } from '@samenloop/contracts';
import {
  readCorvZorgmelding,
  writeCorvZorgmelding,
  zorgmeldingPayload,
  type CorvSubmission,
} from './corv-zorgmelding';
import { parseXml } from './xml-document';
import { validateCorvFile } from './validate-corv-file';

const SCHEMAS = path.resolve(__dirname, '../../../schemas');
const validator = new ContractValidator();

function examples(folder: string, extension: string): string[] {
  return readdirSync(path.join(SCHEMAS, folder))
    .filter((name) => name.endsWith(extension))
    .sort();
}

function zorgmeldingFixture(name: string): { oin: string; submission: CorvSubmission } {
  const event = JSON.parse(
    readFileSync(path.join(SCHEMAS, 'zorgmelding/examples/valid', name), 'utf8'),
  ) as { source: string; data: Omit<CorvSubmission, 'type'> };
  return {
    oin: event.source.split(':')[3] ?? '',
    submission: { type: 'zorgmelding', ...event.data },
  };
}

const kop = (afzenderOin: string) => ({
  berichtId: '3b0f7a52-6c1e-4d8a-9f2b-1e5c7d9a0b41',
  afzenderOin,
  tijdstip: '2026-11-20T07:42:10+01:00',
});

// XML 1.0 cannot carry them, and a parser turns a carriage return into a line feed.
const isControlCharacter = (character: string): boolean =>
  character.charCodeAt(0) < 0x20 || character === '\u007f';

const validExample = (): string =>
  readFileSync(path.join(SCHEMAS, 'corv/examples/valid/partnergeweld-met-kinderen.xml'), 'utf8');

/** Every element's text in a file: none of it may show up in a problem line. */
function textsOf(xml: string): string[] {
  return [...xml.matchAll(/>([^<>]+)</g)]
    .map((match) => (match[1] ?? '').trim())
    .filter((text) => text.length >= 4);
}

describe(readCorvZorgmelding.name, () => {
  it.each(examples('zorgmelding/examples/valid', '.json'))(
    'reads back the same submission it wrote for %s, valid against the XSD',
    async (name) => {
      const { oin, submission } = zorgmeldingFixture(name);

      const reading = await readCorvZorgmelding(writeCorvZorgmelding(kop(oin), submission));

      expect(reading).toEqual({
        ok: true,
        berichtId: kop(oin).berichtId,
        afzenderOin: oin,
        submission,
      });
    },
  );

  it('maps any free text of the zorgmelding back as it was, escaped as XML needs', () => {
    const { oin, submission } = zorgmeldingFixture('partnergeweld-met-kinderen.json');
    const freeText = fc
      .string({ unit: 'grapheme', minLength: 1, maxLength: 300 })
      .filter((text) => text === text.trim() && ![...text].some(isControlCharacter));

    // The mapping alone (no XSD run per case, which takes a worker thread each time).
    fc.assert(
      fc.property(freeText, (omschrijving) => {
        const payload = submission.payload as { incident: object };
        const changed = { ...payload, incident: { ...payload.incident, omschrijving } };
        const xml = writeCorvZorgmelding(kop(oin), { ...submission, payload: changed });

        const bericht = parseXml(xml).Bericht as { Inhoud: { Zorgmelding: unknown } };

        expect(zorgmeldingPayload(bericht.Inhoud.Zorgmelding)).toEqual(changed);
      }),
    );
  });

  it('takes a Bericht with a namespace prefix', async () => {
    const xml = validExample()
      .replace('xmlns=', 'xmlns:zm=')
      .replace(/<(\/?)([A-Z])/g, '<$1zm:$2');

    const reading = await readCorvZorgmelding(Buffer.from(xml));

    expect(reading.ok && reading.submission).toEqual(
      zorgmeldingFixture('partnergeweld-met-kinderen.json').submission,
    );
  });
});

describe(validateCorvFile.name, () => {
  it.each(examples('corv/examples/valid', '.xml'))('finds nothing wrong in %s', async (name) => {
    const xml = readFileSync(path.join(SCHEMAS, 'corv/examples/valid', name));

    await expect(validateCorvFile(xml, validator)).resolves.toEqual([]);
  });

  it.each(examples('corv/examples/invalid', '.xml'))(
    'names what is wrong in %s, without a value from the file',
    async (name) => {
      const folder = path.join(SCHEMAS, 'corv/examples/invalid');
      const xml = readFileSync(path.join(folder, name), 'utf8');
      const expected = readFileSync(
        path.join(folder, name.replace(/\.xml$/, '.expected.txt')),
        'utf8',
      );

      const lines = await validateCorvFile(xml, validator);

      expect(lines).toEqual(expected.trimEnd().split('\n'));
      for (const text of textsOf(xml)) {
        for (const line of lines) expect(line).not.toContain(text);
      }
    },
  );

  it('rewrites libxml2 messages that quote a value', async () => {
    const xml = validExample()
      .replace('<Rol>pleger</Rol>', "<Rol>buur'man</Rol>")
      .replace(
        '<KinderenAanwezig>true</KinderenAanwezig>',
        '<KinderenAanwezig>wel</KinderenAanwezig>',
      )
      .replace('<Naam>hoofdagent T. Verbeek</Naam>', '<Naam></Naam>');

    const lines = await validateCorvFile(xml, validator);

    expect(lines).toEqual([
      'corv-zorgmelding line 17 /Bericht/Inhoud/Zorgmelding/Melder/Contactpersoon/Naam: must be at least 1 characters long',
      'corv-zorgmelding line 40 /Bericht/Inhoud/Zorgmelding/Betrokkenen/Betrokkene[1]/Rol: must be one of pleger, slachtoffer, kind, getuige, ouder, overig',
      'corv-zorgmelding line 96 /Bericht/Inhoud/Zorgmelding/KinderenAanwezig: is not a valid boolean',
    ]);
  });

  it('names every element a line could mean when the file is written on one line', async () => {
    const xml = validExample()
      .replace(/\n\s*/g, '')
      .replace(
        '<Postcode>5611 AB</Postcode><Woonplaats>Eindhoven</Woonplaats><Gemeentecode>GM0772</Gemeentecode></Adres>',
        '<Postcode>5611</Postcode><Woonplaats>Eindhoven</Woonplaats><Gemeentecode>GM0772</Gemeentecode></Adres>',
      );

    await expect(validateCorvFile(xml, validator)).resolves.toEqual([
      'corv-zorgmelding line 1 /Bericht/Inhoud/Zorgmelding/Incident/Plaats/Postcode or /Bericht/Inhoud/Zorgmelding/Huishouden/Adres/Postcode: does not match the pattern [1-9][0-9]{3} ?[A-Z]{2}',
    ]);
  });

  it('takes UTF-8 with a byte-order mark and refuses other encodings', async () => {
    const utf8 = Buffer.from(validExample());
    const latin1 = Buffer.from(
      validExample().replace('encoding="UTF-8"', 'encoding="windows-1252"'),
      'latin1',
    );

    await expect(
      validateCorvFile(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8]), validator),
    ).resolves.toEqual([]);
    await expect(validateCorvFile(Buffer.from(latin1), validator)).resolves.toEqual([
      'corv-zorgmelding line 1 /: declares an encoding other than UTF-8: save the file as UTF-8',
    ]);
    await expect(
      validateCorvFile(Buffer.from([0x3c, 0x61, 0xe9, 0x3e]), validator),
    ).resolves.toEqual(['corv-zorgmelding line 1 /: is not UTF-8 text: save the file as UTF-8']);
  });

  it('refuses a DOCTYPE and undefined entities, without expanding them', async () => {
    const withDoctype = validExample()
      .replace('<Bericht', '<!DOCTYPE Bericht [<!ENTITY x "y">]>\n<Bericht')
      .replace('Lindelaan', '&x;');
    const undefinedEntity = validExample().replace('Lindelaan', 'Linde&nbsp;laan');

    await expect(validateCorvFile(withDoctype, validator)).resolves.toEqual([
      'corv-zorgmelding line 2 /: may not have a DOCTYPE (no DTDs or entity declarations)',
    ]);
    await expect(validateCorvFile(undefinedEntity, validator)).resolves.toEqual([
      'corv-zorgmelding line 27 /: uses an entity XML does not define: escape & as &amp;',
    ]);
  });
});
