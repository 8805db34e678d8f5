import { dataschemaOf } from './dataschema';
import { SCHEMA_CATALOGUE } from './generated/schema-catalogue';

describe(dataschemaOf.name, () => {
  it("names a schema's current minor version, as its x-samenloop-version says", () => {
    const receipt = SCHEMA_CATALOGUE.find((entry) => entry.name === 'receipt')!;
    expect(dataschemaOf('receipt')).toBe(
      `https://schemas.samenloop.nl/receipt/v${receipt.version}`,
    );
    expect(receipt.version).not.toBe('1.0');
  });

  it('refuses a schema that does not exist', () => {
    expect(() => dataschemaOf('bestaat-niet')).toThrow('no schema bestaat-niet v1 in schemas/');
  });
});
