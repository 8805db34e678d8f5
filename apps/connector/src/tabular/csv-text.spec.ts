import iconv from 'iconv-lite';
import { csvText } from './csv-text';

const TEXT = 'Achternaam;Woonplaats\nRené;Maël;Loïs\n';

describe(csvText.name, () => {
  it('strips the BOM of a UTF-8 export', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(TEXT, 'utf-8')]);

    expect(csvText(bytes, 'auto')).toBe(TEXT);
    expect(csvText(bytes, 'utf-8')).toBe(TEXT);
  });

  it('takes UTF-8 without a BOM as it is', () => {
    expect(csvText(Buffer.from(TEXT, 'utf-8'), 'auto')).toBe(TEXT);
  });

  it('falls back to Windows-1252 when the bytes are not valid UTF-8 (é, ë, ï)', () => {
    const bytes = iconv.encode(TEXT, 'windows-1252');

    expect(bytes.includes(0xeb)).toBe(true);
    expect(csvText(bytes, 'auto')).toBe(TEXT);
    expect(csvText(bytes, 'windows-1252')).toBe(TEXT);
  });
});
