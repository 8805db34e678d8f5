import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  DiagnosticSeverity,
  Parser,
  fromFile,
  type AsyncAPIDocumentInterface,
} from '@asyncapi/parser';
import { SCHEMA_CATALOGUE } from './generated/schema-catalogue';

const ASYNCAPI = path.resolve(__dirname, '../../../schemas/asyncapi.yaml');
const PARTNER_GUIDE = path.resolve(__dirname, '../../../docs/partners.md');

async function parsedDocument(): Promise<AsyncAPIDocumentInterface> {
  const { document } = await fromFile(new Parser(), ASYNCAPI).parse();
  if (!document) throw new Error(`${ASYNCAPI} does not parse`);
  return document;
}

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

  it('offers the local broker in plaintext and in secure mode, SCRAM-SHA-512 over TLS', async () => {
    const servers = (await parsedDocument()).servers().all();

    expect(
      servers.map((server) => ({
        id: server.id(),
        host: server.host(),
        protocol: server.protocol(),
        security: server
          .security()
          .flatMap((requirement) => requirement.all().map((entry) => entry.scheme().type())),
      })),
    ).toEqual([
      { id: 'local', host: '127.0.0.1:19092', protocol: 'kafka', security: [] },
      {
        id: 'localSecure',
        host: '127.0.0.1:19094',
        protocol: 'kafka-secure',
        security: ['scramSha512'],
      },
    ]);
  });

  // The partner guide is what partners build from; it must say what this document says.
  it('agrees with docs/partners.md on servers, record keys, headers and the record size', async () => {
    const document = await parsedDocument();
    const guide = readFileSync(PARTNER_GUIDE, 'utf8');
    const digitsJoined = guide.replace(/(\d) (?=\d{3}\b)/g, '$1');
    const submission = document.messages().get('zorgmelding')!;
    const delivery = document.messages().get('delivery')!;
    const keyBinding = submission.bindings().get('kafka')?.value() as {
      key: { maxLength: number };
    };
    const topicBinding = document
      .channels()
      .get('submissions')!
      .bindings()
      .get('kafka')
      ?.value() as {
      topicConfiguration: Record<string, number>;
    };

    for (const server of document.servers().all()) expect(guide).toContain(`\`${server.host()}\``);
    expect(guide).toContain('`SASL_SSL`');
    expect(guide).toContain('`SCRAM-SHA-512`');
    expect(guide).toContain(`≤ ${keyBinding.key.maxLength} chars`);
    expect(digitsJoined).toContain(
      `at most ${topicBinding.topicConfiguration['max.message.bytes']} bytes`,
    );
    for (const header of Object.keys(delivery.headers()?.properties() ?? {}))
      expect(guide).toContain(`| \`${header}\``);
    for (const header of Object.keys(submission.headers()?.properties() ?? {}))
      expect(guide).toContain(`\`${header}: application/pgp-encrypted\``);
  });
});
