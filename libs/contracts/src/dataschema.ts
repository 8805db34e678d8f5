import { SCHEMA_CATALOGUE } from './generated/schema-catalogue';

/**
 * The CloudEvents `dataschema` of what the hub itself writes with a schema of `schemas/`: its
 * current version, so a document carrying a minor version's new fields names that version.
 */
export function dataschemaOf(name: string, major = 1): string {
  const entry = SCHEMA_CATALOGUE.find(
    (candidate) => candidate.name === name && candidate.major === major,
  );
  if (!entry) throw new Error(`no schema ${name} v${major} in schemas/`);
  return `https://schemas.samenloop.nl/${name}/v${entry.version}`;
}
