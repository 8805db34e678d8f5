import { bsnIdentity, fullName, personIdentity } from './person-identity';

describe(personIdentity.name, () => {
  it('is the same for a name however its case, spacing and Unicode composition differ', () => {
    const composed = personIdentity('Zoë  de   Boer', '2019-03-04');
    expect(personIdentity(' ZOË DE BOER ', '2019-03-04')).toEqual(composed);
    // "e" followed by a combining diaeresis: NFC makes it "ë".
    expect(personIdentity('Zoe\u0308 de Boer', '2019-03-04')).toEqual(composed);
    expect(composed).toEqual({ by: 'person', value: 'zoë de boer\n2019-03-04' });
  });

  it('tells apart the same name with another birth date', () => {
    expect(personIdentity('Zoë de Boer', '2019-03-05')).not.toEqual(
      personIdentity('Zoë de Boer', '2019-03-04'),
    );
  });
});

describe(fullName.name, () => {
  it('joins first names, prefix and surname as the CLI expects them to be typed', () => {
    expect(fullName({ voornamen: 'Eva Maria', voorvoegsel: 'van der', achternaam: 'Berg' })).toBe(
      'Eva Maria van der Berg',
    );
    expect(fullName({ achternaam: 'Berg' })).toBe('Berg');
  });
});

describe(bsnIdentity.name, () => {
  it('keeps the digits only', () => {
    expect(bsnIdentity(' 9999.90.019 ')).toEqual({ by: 'bsn', value: '999990019' });
  });
});
