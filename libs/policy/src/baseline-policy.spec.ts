import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ContractValidator } from '@samenloop/contracts';
import { PartnerRegistry } from '@samenloop/partners';
import { loadPolicyDirectory, policyContext } from './policy-loader';
import { runPolicyTests } from './policy-test-runner';

const DEPLOY = path.resolve(__dirname, '../../../deploy');
const schemasDirectory = path.resolve(DEPLOY, '../schemas');
const validator = new ContractValidator();
const registry = PartnerRegistry.fromYaml(
  readFileSync(path.join(DEPLOY, 'partners/oost-brabant.yaml'), 'utf8'),
  'oost-brabant.yaml',
);
const policy = loadPolicyDirectory(
  path.join(DEPLOY, 'policies'),
  policyContext(validator, registry),
);

describe('the Oost-Brabant baseline policy', () => {
  it.each(
    runPolicyTests(path.join(DEPLOY, 'policies/tests'), {
      policy,
      registry,
      validator,
      schemasDirectory,
    }).map((result) => [result.file, result]),
  )('passes policy test %s', (_file, result) => {
    expect(result.failures).toEqual([]);
  });
});

describe('the demo case (deploy/demo, what `npm start` sends)', () => {
  const demo = path.join(DEPLOY, 'demo');
  it.each(readdirSync(demo).filter((file) => file.endsWith('.json')))(
    '%s is valid and carries nothing the hub refuses as never-share',
    (file) => {
      const check = validator.validateSubmissionJson(readFileSync(path.join(demo, file), 'utf8'));
      if (!check.ok) throw new Error(`${file} is invalid: ${JSON.stringify(check.errors)}`);
      const { messageType, payload } = check.value;

      expect(
        policy.neverSharedIn(messageType, payload as unknown as Record<string, unknown>),
      ).toEqual([]);
    },
  );
});

describe(runPolicyTests.name, () => {
  const scratch = mkdtempSync(path.join(tmpdir(), 'samenloop-policy-tests-'));
  const message = path.join(
    DEPLOY,
    '../schemas/zorgmelding/examples/valid/partnergeweld-met-kinderen.json',
  );

  function failuresOf(expectation: string, messagePath = message): readonly string[] {
    writeFileSync(
      path.join(scratch, 'case.yaml'),
      `description: scratch\nmessage: ${messagePath}\nstage: melding\nexpect:\n${expectation}\n`,
    );
    const [result] = runPolicyTests(scratch, { policy, registry, validator, schemasDirectory });
    return result?.failures ?? ['no result'];
  }

  it('fails a test when a partner gets more than expected (over-sharing)', () => {
    expect(failuresOf('  VT-ZOB: { level: inhoud, fields: [/incident] }')).toEqual([
      'VT-ZOB gets fields it must not: /acuutGevaar, /betrokkenen, /eerdereMeldingen, /huishouden, /kinderenAanwezig, /melder',
    ]);
  });

  it('fails a test when a partner gets less than expected (under-sharing)', () => {
    expect(
      failuresOf(
        '  VT-ZOB: { level: inhoud, fields: [/melder, /incident, /betrokkenen, /huishouden, /kinderenAanwezig, /eerdereMeldingen, /acuutGevaar] }\n  VT-BNO: { level: inhoud, fields: [/incident] }',
      ),
    ).toEqual([
      expect.stringMatching(
        /^VT-BNO must get inhoud but gets geen \(rule zm\.vt\.inhoud: the household's municipality is not one VT-BNO serves\)$/,
      ),
    ]);
  });

  it('reads a message given as schemas:<path> from the schemas folder, wherever the test is', () => {
    expect(
      failuresOf('  {}', 'schemas:zorgmelding/examples/valid/partnergeweld-met-kinderen.json'),
    ).toEqual([expect.stringMatching(/^VT-ZOB must receive nothing but gets inhoud/)]);
  });

  it('fails, rather than stops the run, a test whose message cannot be read', () => {
    expect(failuresOf('  {}', 'schemas:zorgmelding/examples/valid/bestaat-niet.json')).toEqual([
      'message schemas:zorgmelding/examples/valid/bestaat-niet.json cannot be read: ENOENT',
    ]);
    expect(failuresOf('  {}', 'schemas:../deploy/partners/oost-brabant.yaml')).toEqual([
      'message schemas:../deploy/partners/oost-brabant.yaml cannot be read: the path leads out of the schemas folder',
    ]);
    expect(failuresOf('  {}', '../elders/melding.json')).toEqual([
      'message ../elders/melding.json cannot be read: ENOENT',
    ]);
  });

  it('fails a test when an unlisted partner receives anything', () => {
    expect(failuresOf('  {}')).toEqual([
      expect.stringMatching(/^VT-ZOB must receive nothing but gets inhoud/),
    ]);
  });
});
