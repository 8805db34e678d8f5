import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The XSDs in `schemas/corv/`, found by walking up from this file: the same code runs from the
 * sources (tests, ts-node) and from the webpack bundles in `dist/apps/*`.
 */
function corvSchemaDirectory(): string {
  for (let directory = __dirname; ; directory = path.dirname(directory)) {
    const candidate = path.join(directory, 'schemas', 'corv');
    if (existsSync(path.join(candidate, ZORGMELDING_BERICHT_XSD))) return candidate;
    if (path.dirname(directory) === directory) {
      throw new Error(`schemas/corv/${ZORGMELDING_BERICHT_XSD} not found above ${__dirname}`);
    }
  }
}

export const ZORGMELDING_BERICHT_XSD = 'zorgmelding-bericht.v1.xsd';
export const AFLEVERING_XSD = 'aflevering.v1.xsd';

export interface XsdFile {
  readonly fileName: string;
  readonly contents: string;
}

const cache = new Map<string, XsdFile>();

export function corvXsd(fileName: string): XsdFile {
  let file = cache.get(fileName);
  if (!file) {
    file = { fileName, contents: readFileSync(path.join(corvSchemaDirectory(), fileName), 'utf8') };
    cache.set(fileName, file);
  }
  return file;
}
