/**
 * The policy check worker thread: loads a policy folder and runs the region's policy tests off the
 * gateway's event loop. It answers with the checked rules (or every problem), never a Policy: the
 * main thread builds that from the rules without parsing anything again.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ContractValidator } from '@samenloop/contracts';
import { PartnerRegistry } from '@samenloop/partners';
import { checkPolicyDirectory, policyContext, type PolicyRule } from '@samenloop/policy';
import { lastChangedBy } from './file-owner';
import type { PolicyWorkerData, PolicyWorkerReply, PolicyWorkerRequest } from './policy-checker';

/** About 0.3 MB of rules at most in one message: a few milliseconds for the main thread to take in. */
const RULES_PER_SLICE = 250;

const { partners } = workerData as PolicyWorkerData;
const registry = new PartnerRegistry(partners);
const validator = new ContractValidator();
const dependencies = { context: policyContext(validator, registry), registry, validator };
/** The rules of a passed check not yet sent, by check id. */
const unsent = new Map<number, PolicyRule[]>();

const reply = (message: PolicyWorkerReply) => parentPort?.postMessage(message);

parentPort?.on('message', (message: PolicyWorkerRequest) => {
  const { id } = message;
  if (message.type === 'more') {
    const rules = unsent.get(id) ?? [];
    const slice = rules.splice(0, RULES_PER_SLICE);
    if (rules.length === 0) unsent.delete(id);
    reply({ type: 'rules', id, rules: slice, last: rules.length === 0 });
    return;
  }
  try {
    const check = checkPolicyDirectory(message.request, dependencies);
    const changedBy = lastChangedBy(
      message.request.policyDirectory,
      check.files.map((file) => file.name),
    );
    if (check.ok) unsent.set(id, [...check.rules]);
    reply({ type: 'checked', id, check: check.ok ? { ...check, rules: [] } : check, changedBy });
  } catch (error) {
    // The class only: a message could quote the policy text it failed on.
    reply({
      type: 'failed',
      id,
      error: `the policy check failed (${error instanceof Error ? error.name : 'unknown'})`,
    });
  }
});
