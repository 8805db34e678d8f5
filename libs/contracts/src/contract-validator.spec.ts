import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ContractValidator } from './contract-validator';
import { formatContractError } from './contract-error';
import { SCHEMA_CATALOGUE } from './generated/schema-catalogue';
import type { SchemaDocument } from './schema-document';

const EXAMPLE = path.resolve(
  __dirname,
  '../../../schemas/zorgmelding/examples/valid/partnergeweld-met-kinderen.json',
);

function zorgmelding(
  overrides: { dataschema?: string; type?: string } = {},
): Record<string, unknown> & { data: { payload: Record<string, unknown> } } {
  return {
    ...(JSON.parse(readFileSync(EXAMPLE, 'utf8')) as {
      data: { payload: Record<string, unknown> };
    }),
    ...overrides,
  };
}

function errorsOf(validator: ContractValidator, input: unknown): string[] {
  const result = validator.validateSubmission(input);
  return result.ok ? [] : result.errors.map(formatContractError);
}

describe(ContractValidator.name, () => {
  const validator = new ContractValidator();

  it('accepts a valid submission and reports its type and schema version', () => {
    const result = validator.validateSubmission(zorgmelding());

    expect(
      result.ok && {
        type: result.value.messageType,
        schema: result.value.schemaName,
        version: result.value.version,
      },
    ).toEqual({
      type: 'nl.samenloop.zorgmelding',
      schema: 'zorgmelding',
      version: { major: 1, minor: 0 },
    });
  });

  it('rejects an unknown message type with the list of known types, without crashing', () => {
    expect(errorsOf(validator, zorgmelding({ type: 'nl.samenloop.huisbezoek' }))).toEqual([
      `envelope /type: is not a known message type; known types: ${validator.submittableTypes.join(', ')}`,
    ]);
  });

  it('rejects a newer minor or an unknown major version as unsupported', () => {
    expect(
      errorsOf(
        validator,
        zorgmelding({ dataschema: 'https://schemas.samenloop.nl/zorgmelding/v1.1' }),
      ),
    ).toEqual([
      'envelope /dataschema: zorgmelding v1.1 is not supported; supported: v1.0 (and older minor versions of each)',
    ]);
    expect(
      errorsOf(
        validator,
        zorgmelding({ dataschema: 'https://schemas.samenloop.nl/zorgmelding/v2.0' }),
      ),
    ).toEqual([
      'envelope /dataschema: zorgmelding v2.0 is not supported; supported: v1.0 (and older minor versions of each)',
    ]);
  });

  it('rejects a dataschema that names another message type than the envelope type', () => {
    expect(
      errorsOf(
        validator,
        zorgmelding({ dataschema: 'https://schemas.samenloop.nl/acuut-signaal/v1.0' }),
      ),
    ).toEqual([
      'envelope /dataschema: must name the schema of type nl.samenloop.zorgmelding: https://schemas.samenloop.nl/zorgmelding/v<major>.<minor>',
    ]);
  });

  it('never puts a field value in an error message', () => {
    const submission = zorgmelding();
    const betrokkenen = submission.data.payload.betrokkenen as {
      persoon: { bsn?: string; naam: { achternaam: string } };
    }[];
    betrokkenen[0]!.persoon.bsn = '999990018';
    betrokkenen[0]!.persoon.naam.achternaam = 'x'.repeat(201);

    const messages = errorsOf(validator, submission).join('\n');

    expect(messages).toContain(
      'zorgmelding /betrokkenen/0/persoon/bsn: must be a BSN (9 digits that pass the 11-test)',
    );
    expect(messages).not.toContain('999990018');
    expect(messages).not.toContain('xxxx');
  });

  describe('with two major versions registered side by side', () => {
    const v1 = SCHEMA_CATALOGUE.find((entry) => entry.name === 'zorgmelding' && entry.major === 1)!;
    const v1Document = v1.document as {
      $id: string;
      required: string[];
      properties: Record<string, unknown>;
    };
    const v2: SchemaDocument = {
      ...v1,
      major: 2,
      version: '2.0',
      document: {
        ...v1Document,
        $id: v1Document.$id.replace('.v1.', '.v2.'),
        'x-samenloop-version': '2.0',
        required: [...v1Document.required, 'triage'],
        properties: {
          ...v1Document.properties,
          triage: { type: 'string', enum: ['spoed', 'regulier'] },
        },
      },
    };
    const sideBySide = new ContractValidator([...SCHEMA_CATALOGUE, v2]);

    it('validates each submission against the major version its dataschema names', () => {
      const asV2 = zorgmelding({ dataschema: 'https://schemas.samenloop.nl/zorgmelding/v2.0' });

      expect(errorsOf(sideBySide, zorgmelding())).toEqual([]);
      expect(errorsOf(sideBySide, asV2)).toEqual(['zorgmelding /triage: is required']);
      asV2.data.payload.triage = 'spoed';
      expect(errorsOf(sideBySide, asV2)).toEqual([]);
    });
  });
});
