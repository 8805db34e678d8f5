import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DiagnosticSeverity, Parser, fromFile } from '@asyncapi/parser';
import { SCHEMA_CATALOGUE } from './generated/schema-catalogue';

const ASYNCAPI = path.resolve(__dirname, '../../../schemas/asyncapi.yaml');

describe('schemas/asyncapi.yaml', () => {
  it('is a valid AsyncAPI document according to the official parser', async () => {
    const { document, diagnostics } = await fromFile(new Parser(), ASYNCAPI).parse();

    // Number(): the parser's diagnostics and its DiagnosticSeverity come from two copies of one enum.
    const errors = diagnostics.filter(
      (diagnostic) => Number(diagnostic.severity) === Number(DiagnosticSeverity.Error),
    );
    expect(errors.map((error) => `${error.path.join('.')}: ${error.message}`)).toEqual([]);
    expect(
      document
        ?.channels()
        .all()
        .map((channel) => channel.address()),
    ).toEqual([
      'samenloop.in.{partnerId}.v1',
      'samenloop.out.{partnerId}.v1',
      'samenloop.audit.v1',
      'samenloop.deadletter.v1',
    ]);
  });

  it('references every message schema in schemas/', () => {
    const text = readFileSync(ASYNCAPI, 'utf8');
    const referenced = new Set(
      [...text.matchAll(/\$ref: '\.\/([a-z-]+\/[a-z-]+\.v[0-9]+\.schema\.json)'/g)].map(
        (match) => match[1],
      ),
    );
    const messageSchemas = SCHEMA_CATALOGUE.filter((entry) => entry.name !== 'common').map(
      (entry) => `${entry.name}/${entry.name}.v${entry.major}.schema.json`,
    );

    expect([...referenced].sort()).toEqual(messageSchemas.sort());
  });
});
