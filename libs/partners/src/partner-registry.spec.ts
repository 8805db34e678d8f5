import { readFileSync } from 'node:fs';
import path from 'node:path';
import { InvalidPartnerRegistryError, PartnerRegistry } from './partner-registry';

const SAMPLE = path.resolve(__dirname, '../../../deploy/partners/oost-brabant.yaml');

function problemsOf(text: string): readonly string[] {
  try {
    PartnerRegistry.fromYaml(text, 'test.yaml');
  } catch (error) {
    if (error instanceof InvalidPartnerRegistryError) return error.problems;
    throw error;
  }
  throw new Error('the registry loaded');
}

describe(PartnerRegistry.name, () => {
  const registry = PartnerRegistry.fromYaml(readFileSync(SAMPLE, 'utf8'), 'oost-brabant.yaml');

  it('routes a municipality to the one VT that serves it', () => {
    expect(registry.vtFor('GM0772')?.id).toBe('VT-ZOB');
    expect(registry.vtFor('GM0796')?.id).toBe('VT-BNO');
    expect(registry.vtFor('GM0363')).toBeUndefined();
  });

  it('finds a partner by the OIN in a CloudEvents source', () => {
    expect(registry.byOrganisation('00000099000000001001')?.id).toBe('POLITIE-OB');
    expect(registry.bySource('urn:nld:oin:00000099000000001001:systeem:bvh')?.id).toBe(
      'POLITIE-OB',
    );
    expect(registry.bySource('urn:nld:oin:000000990000000010011')).toBeUndefined();
  });

  it('refuses a registry in which two VTs serve one municipality, or ids and OINs repeat', () => {
    const vt = (id: string, oin: string, gemeenten: string) =>
      `  - { id: ${id}, name: ${id}, kind: VT, oin: '${oin}', gemeenten: [${gemeenten}] }`;
    expect(
      problemsOf(
        `partners:\n${vt('VT-A', '00000099000000003001', 'GM0772')}\n${vt('VT-B', '00000099000000003001', 'GM0772, GM0794')}\n${vt('VT-B', '00000099000000003003', 'GM0861')}`,
      ),
    ).toEqual([
      'partner id VT-B is listed more than once',
      'OIN 00000099000000003001 is listed for more than one partner',
      'municipality GM0772 is served by more than one VT',
    ]);
  });

  it('names every malformed field', () => {
    expect(problemsOf(`partners:\n  - { id: vt-a, name: A, kind: VT, oin: '123' }`)).toEqual([
      'partners.0.id: must be capitals and digits in dash-separated parts, e.g. VT-ZOB',
      'partners.0.oin: must be an OIN of 20 digits',
      'partners.0.gemeenten: a VT must list the municipalities it serves',
    ]);
  });
});
