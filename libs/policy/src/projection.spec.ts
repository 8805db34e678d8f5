import { project } from './projection';

const payload = {
  zsmZaakId: 'ZSM-OB-2026-004211',
  verdachte: { naam: { achternaam: 'A' }, geboortedatum: '1990-01-01' },
  justitieleDocumentatie: {
    samenvatting: 's',
    volledigOverzicht: [{ datum: '2020-01-01', feit: 'f' }],
  },
  betrokkenen: [
    { rol: 'pleger', persoon: { naam: { achternaam: 'B' } } },
    { rol: 'kind', persoon: { naam: { achternaam: 'C' } } },
  ],
};

describe(project.name, () => {
  it('copies only what an allowed path covers and reports the rest as withheld', () => {
    const projection = project(payload, ['/zsmZaakId', '/justitieleDocumentatie/samenvatting']);

    expect(projection.payload).toEqual({
      zsmZaakId: 'ZSM-OB-2026-004211',
      justitieleDocumentatie: { samenvatting: 's' },
    });
    expect(projection.delivered).toEqual(['/zsmZaakId', '/justitieleDocumentatie/samenvatting']);
    expect(projection.withheld).toEqual([
      '/verdachte',
      '/justitieleDocumentatie/volledigOverzicht',
      '/betrokkenen',
    ]);
  });

  it('applies a * path to every item of an array', () => {
    const projection = project(payload, ['/betrokkenen/*/rol']);

    expect(projection.payload).toEqual({ betrokkenen: [{ rol: 'pleger' }, { rol: 'kind' }] });
    expect(projection.withheld).toContain('/betrokkenen/0/persoon');
  });

  it('shares nothing when nothing is allowed', () => {
    expect(project(payload, []).payload).toBeUndefined();
  });

  it('leaves the original payload untouched', () => {
    const copy = structuredClone(payload);
    const projected = project(payload, ['/verdachte']).payload as {
      verdachte: { naam: { achternaam: string } };
    };
    projected.verdachte.naam.achternaam = 'changed';

    expect(payload).toEqual(copy);
  });
});
