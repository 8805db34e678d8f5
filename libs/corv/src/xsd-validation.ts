import { validateXML, type XMLValidationError, type XMLValidationResult } from 'xmllint-wasm';
import { XMLParser } from 'fast-xml-parser';
import { corvXsd } from './corv-schemas';
import { wellFormednessProblem } from './xml-document';

/** An XSD and how its problems are named: `corv-zorgmelding line 12 /Bericht/…: …`. */
export interface XsdCheck {
  /** The schema's name in problem lines. */
  readonly label: string;
  /** The XSD's file name in `schemas/corv/`, and the XSDs it imports. */
  readonly schema: string;
  readonly imports?: readonly string[];
  readonly root: string;
  readonly namespace: string;
}

/**
 * Every way the XML misses its XSD (libxml2), as problem lines that name the line and element
 * path but never a value from the file: libxml2 quotes values, so each message is rewritten.
 */
export async function xsdProblems(xml: string, check: XsdCheck): Promise<string[]> {
  const malformed = wellFormednessProblem(xml);
  if (malformed) return [`${check.label} line ${malformed.line} /: ${malformed.message}`];
  // No CORV message needs a DTD; its entities are how XML bombs and external reads get in.
  const doctype = /<!DOCTYPE/i.exec(xml);
  if (doctype) {
    const line = xml.slice(0, doctype.index).split('\n').length;
    return [
      `${check.label} line ${line} /: may not have a DOCTYPE (no DTDs or entity declarations)`,
    ];
  }
  let result: XMLValidationResult;
  try {
    result = await validateXML({
      xml: [{ fileName: 'document.xml', contents: xml }],
      schema: [corvXsd(check.schema)],
      preload: (check.imports ?? []).map(corvXsd),
    });
  } catch {
    // xmllint gave up (out of memory on a huge file, say); its output echoes the file, so it stays out.
    return [`${check.label} line 1 /: could not be checked against its XSD (is it far too large?)`];
  }
  if (result.valid) return [];
  const paths = elementPaths(xml);
  // Lines without a location are libxml2 quoting the file's own text: never passed on.
  const problems = result.errors.flatMap((error) =>
    error.loc ? [problemLine(error, check, paths)] : [],
  );
  return problems.length > 0
    ? problems
    : [`${check.label} line 1 /: does not validate against its XSD`];
}

function problemLine(error: XMLValidationError, check: XsdCheck, paths: ElementPaths): string {
  const line = error.loc?.lineNumber ?? 1;
  const element = /Element '(?:\{[^}]*\})?([^']+)'/.exec(error.rawMessage)?.[1];
  const where = element === undefined ? '/' : (paths.find(line, element) ?? `/${element}`);
  return `${check.label} line ${line} ${where}: ${explanation(error.rawMessage, check)}`;
}

const names = (list: string): string =>
  list
    .split(',')
    .map((name) => name.trim().replace(/^\{[^}]*\}/, ''))
    .join(', ');

/** libxml2's wording with the quoted value cut out; what the schema allows stays in. */
const EXPLANATIONS: readonly (readonly [
  RegExp,
  (match: RegExpExecArray, check: XsdCheck) => string,
])[] = [
  [/is not accepted by the pattern '(.*)'\.$/, (m) => `does not match the pattern ${m[1]}`],
  [/is not an element of the set \{(.*)\}\.$/, (m) => `must be one of ${m[1]?.replace(/'/g, '')}`],
  [
    /underruns the allowed minimum length of '(\d+)'\.$/,
    (m) => `must be at least ${m[1]} characters long`,
  ],
  [
    /exceeds the allowed maximum length of '(\d+)'\.$/,
    (m) => `must be at most ${m[1]} characters long`,
  ],
  [
    /is not a valid value of the (?:local )?(?:atomic|list|union) type '(?:xs:)?(.*)'\.$/,
    (m) => `is not a valid ${m[1]}`,
  ],
  [
    /This element is not expected\. Expected is (?:one of )?\( (.*) \)\.$/,
    (m) => `is not expected here; expected ${names(m[1] ?? '')}`,
  ],
  [/This element is not expected\.$/, () => 'is not expected here'],
  [
    /Missing child element\(s\)\. Expected is (?:one of )?\( (.*) \)\.$/,
    (m) => `misses a required element: ${names(m[1] ?? '')}`,
  ],
  [
    /No matching global declaration available for the validation root\.$/,
    (_m, check) => `must be a ${check.root} element in namespace ${check.namespace}`,
  ],
  [
    /Character content other than whitespace is not allowed/,
    () => 'must hold elements only, no text',
  ],
  [/The attribute '([^']*)' is not allowed\.$/, (m) => `may not have the attribute ${m[1]}`],
  [
    /parser error : Entity '.*' not defined/,
    () => 'uses an entity XML does not define: escape & as &amp;',
  ],
  [/parser error :/, () => 'is not well-formed XML'],
];

function explanation(rawMessage: string, check: XsdCheck): string {
  for (const [pattern, explain] of EXPLANATIONS) {
    const match = pattern.exec(rawMessage);
    if (match) return explain(match, check);
  }
  return 'does not validate against its XSD';
}

interface ElementPaths {
  find(line: number, name: string): string | undefined;
}

// Typed as the global `Symbol` interface in fast-xml-parser's declarations.
const metadata = XMLParser.getMetaDataSymbol() as unknown as symbol;
const locator = new XMLParser({
  preserveOrder: true,
  captureMetaData: true,
  ignoreAttributes: true,
  removeNSPrefix: true,
});

type OrderedNode = Record<string, unknown> & { [metadata]?: { startIndex?: number } };

/**
 * Each element's path by the line its start tag is on, as libxml2 numbers lines; a repeated
 * element gets its position (`Betrokkene[2]`). When one line holds several elements of the name
 * (XML written on one line), libxml2's line cannot tell them apart: every candidate is named.
 */
function elementPaths(xml: string): ElementPaths {
  const lineStarts = [0];
  for (let i = xml.indexOf('\n'); i !== -1; i = xml.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const lineOf = (index: number): number => {
    let line = 0;
    while (line + 1 < lineStarts.length && (lineStarts[line + 1] ?? Infinity) <= index) line += 1;
    return line + 1;
  };
  const byLine = new Map<string, string[]>();
  const visit = (nodes: readonly OrderedNode[], parent: string): void => {
    const named = nodes.map((node) => ({
      node,
      name: Object.keys(node).find((key) => key !== ':@' && key !== '#text'),
    }));
    const counts = new Map<string, number>();
    for (const { name } of named) if (name) counts.set(name, (counts.get(name) ?? 0) + 1);
    const positions = new Map<string, number>();
    for (const { node, name } of named) {
      if (name === undefined) continue;
      const position = (positions.get(name) ?? 0) + 1;
      positions.set(name, position);
      const elementPath = `${parent}/${name}${(counts.get(name) ?? 0) > 1 ? `[${position}]` : ''}`;
      const start = node[metadata]?.startIndex;
      const key = `${start === undefined ? 0 : lineOf(start)} ${name}`;
      byLine.set(key, [...(byLine.get(key) ?? []), elementPath]);
      const children = node[name];
      if (Array.isArray(children)) visit(children as OrderedNode[], elementPath);
    }
  };
  visit(locator.parse(xml) as OrderedNode[], '');
  return { find: (line, name) => byLine.get(`${line} ${name}`)?.join(' or ') };
}
