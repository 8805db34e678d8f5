import { isSamenloopTopic, topicPrefix } from '@samenloop/messaging';
import { describeGrant, grantKey, principalOf, type AclGrant } from './acl-grant';
import { ADMIN_USER, HUB_USER, registryAcls, type AclEnvironment } from './registry-acls';

/** What `acl apply` changes on the broker to match the registry. */
export interface AclPlan {
  readonly create: readonly AclGrant[];
  readonly remove: readonly AclGrant[];
}

/**
 * The ACLs to create and to remove so the broker grants what the registry grants. The registry is
 * the single source of truth for every principal but the super user, partners it no longer lists
 * included. Several environments (topic namespaces) may share a cluster, though, so what is another
 * environment's is left alone: ACLs on its topics, and the hub's grants on consumer groups and
 * transactional ids this environment's gateway does not use (each environment's gateway has its own).
 */
export function planAcls(environment: AclEnvironment, existing: readonly AclGrant[]): AclPlan {
  const wanted = registryAcls(environment);
  const wantedKeys = new Set(wanted.map(grantKey));
  const existingKeys = new Set(existing.map(grantKey));
  const ownTopics = topicPrefix(environment.topicNamespace);
  const anotherEnvironments = (grant: AclGrant): boolean =>
    grant.resourceType === 'TOPIC'
      ? isSamenloopTopic(grant.resourceName) && !grant.resourceName.startsWith(ownTopics)
      : grant.principal === principalOf(HUB_USER) &&
        (grant.resourceType === 'GROUP' || grant.resourceType === 'TRANSACTIONAL_ID');
  return {
    create: wanted.filter((grant) => !existingKeys.has(grantKey(grant))),
    remove: existing.filter(
      (grant) =>
        !wantedKeys.has(grantKey(grant)) &&
        grant.principal !== principalOf(ADMIN_USER) &&
        !anotherEnvironments(grant),
    ),
  };
}

/** One line per change (`+ …` created, `- …` removed), sorted by principal, then a summary. */
export function formatPlan(plan: AclPlan, applied: boolean): string {
  const lines = [
    ...plan.create.map((grant) => `+ ${describeGrant(grant)}`),
    ...plan.remove.map((grant) => `- ${describeGrant(grant)}`),
  ].sort((a, b) => a.slice(2).localeCompare(b.slice(2)) || a.localeCompare(b));
  if (lines.length === 0) return 'no changes: the ACLs match the partner registry\n';
  const summary = applied
    ? `ACLs: ${plan.create.length} created, ${plan.remove.length} removed`
    : `dry run, nothing changed: ${plan.create.length} to create, ${plan.remove.length} to remove`;
  return `${lines.join('\n')}\n${summary}\n`;
}
