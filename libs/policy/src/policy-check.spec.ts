import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ContractValidator } from '@samenloop/contracts';
import { PartnerRegistry } from '@samenloop/partners';
import { checkPolicyDirectory, type PolicyCheckRequest } from './policy-check';
import { loadPolicyDirectory, policyContext } from './policy-loader';

const ROOT = path.resolve(__dirname, '../../..');
const POLICIES = path.join(ROOT, 'deploy/policies');
const validator = new ContractValidator();
const registry = PartnerRegistry.fromYaml(
  readFileSync(path.join(ROOT, 'deploy/partners/oost-brabant.yaml'), 'utf8'),
  'oost-brabant.yaml',
);
const dependencies = { context: policyContext(validator, registry), registry, validator };
const sample: PolicyCheckRequest = {
  policyDirectory: POLICIES,
  testsDirectory: path.join(POLICIES, 'tests'),
  schemasDirectory: path.join(ROOT, 'schemas'),
};

describe(checkPolicyDirectory.name, () => {
  it("passes the sample region's policy, with its rules, its version and a digest per file", () => {
    const check = checkPolicyDirectory(sample, dependencies);

    const loaded = loadPolicyDirectory(POLICIES, dependencies.context);
    expect(check).toEqual({
      ok: true,
      version: loaded.version,
      rules: loaded.rules,
      files: ['oost-brabant-opvolging.yaml', 'oost-brabant.yaml'].map((name) => ({
        name,
        sha256: createHash('sha256')
          .update(readFileSync(path.join(POLICIES, name), 'utf8'))
          .digest('hex'),
      })),
      tests: { passed: expect.any(Number) as number, failed: 0 },
    });
  });

  it('refuses a folder without policy files, and the tests that then fail', () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'samenloop-empty-policy-'));

    const check = checkPolicyDirectory({ ...sample, policyDirectory: empty }, dependencies);

    expect(check.ok).toBe(false);
    expect(!check.ok && check.problems).toEqual(
      expect.arrayContaining([
        {
          code: 'geen-beleidsbestanden',
          detail: `the policy folder ${empty} holds no policy file (*.yaml)`,
        },
        expect.objectContaining({
          code: 'beleidstest-faalt',
          file: 'zorgmelding-eindhoven-alleen-naar-vt-zob.yaml',
        }),
      ]),
    );
  });

  it('refuses a policy that does not load, naming the file at fault', () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'samenloop-bad-policy-'));
    writeFileSync(
      path.join(folder, 'oost-brabant.yaml'),
      readFileSync(path.join(POLICIES, 'oost-brabant.yaml'), 'utf8').replace(
        'fields: [/conclusie, /geadviseerdeVoorwaarden]',
        'fields: [/conclusie, /vertrouwensartsBevindingen]',
      ),
    );

    const check = checkPolicyDirectory({ ...sample, policyDirectory: folder }, dependencies);

    expect(check.ok).toBe(false);
    expect(!check.ok && check.problems).toEqual([
      {
        code: 'beleid-ongeldig',
        file: 'oost-brabant.yaml',
        detail: expect.stringMatching(
          /^oost-brabant\.yaml: rule .*: field \/vertrouwensartsBevindingen would share/,
        ) as string,
      },
    ]);
  });

  it('refuses a policy without tests: one that nothing checks does not go live', () => {
    const check = checkPolicyDirectory(
      { ...sample, testsDirectory: mkdtempSync(path.join(tmpdir(), 'samenloop-no-tests-')) },
      dependencies,
    );

    expect(check).toMatchObject({ ok: false, problems: [{ code: 'geen-beleidstests' }] });
  });
});
