import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ContractValidator, type Validation } from './contract-validator';
import { formatContractError } from './contract-error';
import { SCHEMA_CATALOGUE } from './generated/schema-catalogue';

/**
 * Every schema's examples: each file in examples/valid must pass; each file in examples/invalid
 * must fail with exactly the errors listed, one per line, in its sidecar `<name>.expected.txt`.
 */
const SCHEMAS = path.resolve(__dirname, '../../../schemas');
const validator = new ContractValidator();
const submissionSchemas = new Set([
  'envelope',
  ...SCHEMA_CATALOGUE.filter((entry) => entry.messageType !== undefined).map((entry) => entry.name),
]);
const schemasWithExamples = SCHEMA_CATALOGUE.map((entry) => entry.name).filter(
  (name) => name !== 'common',
);

function validate(schemaName: string, file: string): Validation<unknown> {
  const text = readFileSync(file, 'utf8');
  return submissionSchemas.has(schemaName)
    ? validator.validateSubmissionJson(text)
    : validator.validateDocument(schemaName, JSON.parse(text) as unknown);
}

function examples(schemaName: string, kind: 'valid' | 'invalid'): string[] {
  const directory = path.join(SCHEMAS, schemaName, 'examples', kind);
  if (!existsSync(directory)) return [];
  return readdirSync(directory)
    .filter((file) => file.endsWith('.json'))
    .sort();
}

describe.each(schemasWithExamples)('%s examples', (schemaName) => {
  const directory = path.join(SCHEMAS, schemaName, 'examples');

  it('has at least 3 valid and 10 invalid examples, each invalid one with its expected errors', () => {
    const invalid = examples(schemaName, 'invalid');
    expect(examples(schemaName, 'valid').length).toBeGreaterThanOrEqual(3);
    expect(invalid.length).toBeGreaterThanOrEqual(10);
    const sidecars = (
      existsSync(path.join(directory, 'invalid'))
        ? readdirSync(path.join(directory, 'invalid'))
        : []
    ).filter((file) => file.endsWith('.expected.txt'));
    expect(sidecars.map((file) => file.replace('.expected.txt', '.json')).sort()).toEqual(invalid);
  });

  it.each(examples(schemaName, 'valid'))('accepts valid/%s', (file) => {
    const result = validate(schemaName, path.join(directory, 'valid', file));
    expect(result.ok ? [] : result.errors.map(formatContractError)).toEqual([]);
  });

  it.each(examples(schemaName, 'invalid'))(
    'rejects invalid/%s with exactly the expected errors',
    (file) => {
      const expected = readFileSync(
        path.join(directory, 'invalid', file.replace(/\.json$/, '.expected.txt')),
        'utf8',
      )
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean)
        .sort();
      const result = validate(schemaName, path.join(directory, 'invalid', file));
      expect(result.ok ? [] : result.errors.map(formatContractError).sort()).toEqual(expected);
    },
  );
});
