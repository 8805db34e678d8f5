import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ContractValidator } from '@samenloop/contracts';
import { PartnerRegistry } from '@samenloop/partners';
import { loadPolicyDirectory, policyContext, type Policy } from '@samenloop/policy';

export interface PolicyWorkspace {
  readonly validator: ContractValidator;
  readonly registry: PartnerRegistry;
  readonly policy: Policy;
  /** Where a policy test's `message: schemas:<path>` points: the schemas folder beside deploy/. */
  readonly schemasDirectory: string;
}

/** The partner registry and policy a regional policy owner works on (deploy/ by default). */
export function loadPolicyWorkspace(deployDirectory: string): PolicyWorkspace {
  const partnersDirectory = path.join(deployDirectory, 'partners');
  const registryFile = readdirSync(partnersDirectory).find((file) => /\.ya?ml$/.test(file));
  if (!registryFile) throw new Error(`no partner registry (*.yaml) in ${partnersDirectory}`);
  const registry = PartnerRegistry.fromYaml(
    readFileSync(path.join(partnersDirectory, registryFile), 'utf8'),
    registryFile,
  );
  const validator = new ContractValidator();
  const policy = loadPolicyDirectory(
    path.join(deployDirectory, 'policies'),
    policyContext(validator, registry),
  );
  return {
    validator,
    registry,
    policy,
    schemasDirectory: path.resolve(deployDirectory, '../schemas'),
  };
}
