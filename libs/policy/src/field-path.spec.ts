import { covers, generalise } from './field-path';

describe(covers.name, () => {
  it.each([
    ['/incident', '/incident', true],
    ['/incident', '/incident/omschrijving', true],
    ['/incident/omschrijving', '/incident', false],
    ['/betrokkenen/*/rol', '/betrokkenen/3/rol', true],
    ['/betrokkenen/0', '/betrokkenen/*/rol', true],
    ['/betrokkenen/*', '/betrokkenen/rol', false],
    ['/incidenten', '/incident', false],
  ])('%s covers %s: %s', (ancestor, path, expected) => {
    expect(covers(ancestor, path)).toBe(expected);
  });
});

describe(generalise.name, () => {
  it('replaces array indexes by *', () => {
    expect(generalise('/betrokkenen/12/persoon/naam')).toBe('/betrokkenen/*/persoon/naam');
  });
});
