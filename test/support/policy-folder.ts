import {
  copyFileSync,
  cpSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PARTNER_KINDS } from '@samenloop/partners';

const ROOT = path.resolve(__dirname, '../..');
const POLICIES = path.join(ROOT, 'deploy/policies');
export const SCHEMAS = path.join(ROOT, 'schemas');

export interface PolicyFolder {
  readonly directory: string;
  readonly testsDirectory: string;
}

/**
 * The sample region's policy files and policy tests copied to a fresh folder, as a deployment
 * would hold them elsewhere: a message path (`message:` or a `thread:` entry) relative to the
 * repository's schemas becomes `schemas:<path>`, so that the test still finds its message; the
 * tests' own messages are copied with them.
 */
export function copyPolicyFolder(): PolicyFolder {
  const directory = mkdtempSync(path.join(tmpdir(), 'samenloop-policy-'));
  const testsDirectory = path.join(directory, 'tests');
  for (const file of readdirSync(POLICIES).filter((name) => name.endsWith('.yaml')))
    copyFileSync(path.join(POLICIES, file), path.join(directory, file));
  cpSync(path.join(POLICIES, 'tests'), testsDirectory, { recursive: true });
  for (const file of readdirSync(testsDirectory).filter((name) => name.endsWith('.yaml'))) {
    const test = path.join(testsDirectory, file);
    const text = readFileSync(test, 'utf8').replace(
      /^(\s*(?:message:|-)\s+)(\.\.\/\S+)$/gm,
      (line, lead: string, relative: string) => {
        const target = path.resolve(POLICIES, 'tests', relative);
        return target.startsWith(SCHEMAS + path.sep)
          ? `${lead}schemas:${path.relative(SCHEMAS, target)}`
          : line;
      },
    );
    writeFileSync(test, text);
  }
  return { directory, testsDirectory };
}

/**
 * A policy that loads but shares every zorgmelding in full with every partner, at every stage:
 * valid YAML and valid rules, and exactly what the region's policy tests exist to stop.
 */
export function grantAllPolicy(): string {
  const rules = PARTNER_KINDS.map(
    (kind) => `  - id: alles.${kind.toLowerCase()}
    recipient: { kind: ${kind} }
    messageType: nl.samenloop.zorgmelding
    stages: [acuut, melding, zsm, afdoening, actie-overleg, strafbare-kindermishandeling, gesloten]
    fields: [/melder, /incident, /betrokkenen, /huishouden, /kinderenAanwezig, /eerdereMeldingen, /acuutGevaar]
    purpose: Alles met iedereen delen
    legalBasis: { label: Geen, reference: Geen }`,
  );
  return `policy: { name: alles-voor-iedereen }\nrules:\n${rules.join('\n')}\n`;
}
