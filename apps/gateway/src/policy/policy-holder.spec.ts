import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ContractValidator } from '@samenloop/contracts';
import { createLogger } from '@samenloop/observability';
import { PartnerRegistry } from '@samenloop/partners';
import { policyContext } from '@samenloop/policy';
import { PolicyHolder } from './policy-holder';

const DEPLOY = path.resolve(__dirname, '../../../../deploy');
const registry = PartnerRegistry.fromYaml(
  readFileSync(path.join(DEPLOY, 'partners/oost-brabant.yaml'), 'utf8'),
  'partners',
);
const context = policyContext(new ContractValidator(), registry);

describe(PolicyHolder.name, () => {
  const directory = mkdtempSync(path.join(tmpdir(), 'samenloop-policy-'));
  const file = path.join(directory, 'oost-brabant.yaml');
  copyFileSync(path.join(DEPLOY, 'policies/oost-brabant.yaml'), file);
  const holder = new PolicyHolder(directory, context, createLogger('test', 'fatal'));

  it('swaps in a changed policy that loads', () => {
    const before = holder.current().version;
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace('stages: [zsm, afdoening]', 'stages: [zsm]'),
    );

    expect(holder.reload()).toBe(true);
    expect(holder.current().version).not.toBe(before);
  });

  it('refuses a policy that does not load and keeps the last good one in force', () => {
    const good = holder.current();
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(
        'fields: [/conclusie, /geadviseerdeVoorwaarden]',
        'fields: [/conclusie, /vertrouwensartsBevindingen]',
      ),
    );

    expect(holder.reload()).toBe(false);
    expect(holder.current()).toBe(good);
  });
});
