import { freshCaseReferences } from './fresh-case-references';

describe(freshCaseReferences.name, () => {
  const entry = '{"zsmZaakId":"ZSM-OB-2026-004211","politieRegistratienummer":"PL2100-2026112345"}';
  const csv = 'ZSM-OB-2026-004211;01/214387-26;VT-ZOB-2026-0871';
  const xml = '<BerichtId>6f1c2b7e-3d4a-4c5b-9e8f-0a1b2c3d4e5f</BerichtId>';

  it('gives every case reference a fresh value in its own format, the same in every text', () => {
    const fresh = freshCaseReferences([entry, csv]);
    const [zsm, parket, vt] = fresh(csv).split(';');

    expect(zsm).toMatch(/^ZSM-OB-2026-[0-9]{6}$/);
    expect(zsm).not.toBe('ZSM-OB-2026-004211');
    expect(parket).toMatch(/^01\/[0-9]{6}-26$/);
    expect(vt).toMatch(/^VT-ZOB-2026-[0-9]{4}$/);
    expect(fresh(entry)).toContain(`"zsmZaakId":"${zsm}"`);
    expect(fresh(entry)).toMatch(/"politieRegistratienummer":"PL2100-[0-9]{10}"/);
  });

  it('leaves message ids alone unless asked, then gives each a fresh UUID', () => {
    expect(freshCaseReferences([xml])(xml)).toBe(xml);

    const fresh = freshCaseReferences([xml], { messageIds: true })(xml);

    expect(fresh).toMatch(/^<BerichtId>[0-9a-f-]{36}<\/BerichtId>$/);
    expect(fresh).not.toBe(xml);
  });

  it('changes nothing else in the text', () => {
    const text = 'Lindelaan 14, 5611 AB Eindhoven; VT-ZOB; GM0772';

    expect(freshCaseReferences([text], { messageIds: true })(text)).toBe(text);
  });
});
