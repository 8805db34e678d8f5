import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';

/**
 * One way to read and write XML for every CORV-style document: values stay text as written (no
 * number or boolean guessing), namespace prefixes are dropped (the XSD already checked them).
 */
const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: true,
});

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  format: true,
  indentBy: '  ',
  suppressEmptyNode: true,
  suppressBooleanAttributes: false,
});

export function parseXml(xml: string): Record<string, unknown> {
  return parser.parse(xml) as Record<string, unknown>;
}

/** `document`: one root element name → its content; attributes as `@_name`. */
export function buildXml(document: Readonly<Record<string, unknown>>): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build(document)}`;
}

/**
 * The text of an XML file's bytes: UTF-8 only, as xmllint reads it; a byte-order mark is dropped.
 * `problem` when the bytes are not UTF-8 or the declaration names another encoding.
 */
export function xmlText(xml: string | Buffer): { text: string } | { problem: string } {
  let text: string;
  try {
    text = typeof xml === 'string' ? xml : utf8.decode(xml);
  } catch {
    return { problem: 'is not UTF-8 text: save the file as UTF-8' };
  }
  const declared = /^\s*<\?xml[^>]*encoding\s*=\s*["']([^"']+)["']/.exec(text)?.[1];
  if (declared !== undefined && declared.toLowerCase() !== 'utf-8') {
    return { problem: 'declares an encoding other than UTF-8: save the file as UTF-8' };
  }
  return { text };
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Where the text stops being well-formed XML, without quoting any of it. */
export function wellFormednessProblem(xml: string): { line: number; message: string } | undefined {
  const result = XMLValidator.validate(xml);
  if (result === true) return undefined;
  return {
    line: result.err.line,
    message: WELL_FORMEDNESS[result.err.code] ?? WELL_FORMED_OTHERWISE,
  };
}

const WELL_FORMED_OTHERWISE = 'is not well-formed XML';
// The validator's own messages quote parts of the file; these say the same without them.
const WELL_FORMEDNESS: Readonly<Record<string, string>> = {
  InvalidTag: 'is not well-formed XML: a tag is not closed, not opened or not properly nested',
  InvalidAttr: 'is not well-formed XML: an attribute is malformed or repeated',
  InvalidChar:
    'is not well-formed XML: a character is not allowed here (escape & and < as &amp; and &lt;)',
  InvalidXml: 'is not well-formed XML: it must have exactly one root element',
};
