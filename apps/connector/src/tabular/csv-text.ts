import iconv from 'iconv-lite';
import type { CsvEncoding } from '../config/connector-settings';

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A CSV export's text. `auto`: Dutch spreadsheet exports are UTF-8 (often with a BOM) or, from
 * older Excel versions, Windows-1252; bytes that are valid UTF-8 are taken as UTF-8, since
 * Windows-1252 text with accented letters almost never is.
 */
export function csvText(bytes: Buffer, encoding: CsvEncoding): string {
  const withoutBom = bytes.subarray(0, 3).equals(UTF8_BOM) ? bytes.subarray(3) : bytes;
  switch (encoding) {
    case 'utf-8':
      return withoutBom.toString('utf-8');
    case 'windows-1252':
      return iconv.decode(bytes, 'windows-1252');
    case 'auto':
      try {
        return strictUtf8.decode(withoutBom);
      } catch {
        return iconv.decode(bytes, 'windows-1252');
      }
  }
}
