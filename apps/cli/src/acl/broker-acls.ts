import {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  ResourcePatternTypes,
  type Admin,
  type AclEntry,
} from 'kafkajs';
import type {
  AclGrant,
  AclOperation,
  AclPatternType,
  AclPermission,
  AclResourceType,
} from './acl-grant';
import type { AclPlan } from './acl-plan';

/** Every ACL on the cluster (DescribeAcls with a filter that matches all). */
export async function readAcls(admin: Admin): Promise<AclGrant[]> {
  const { resources } = await admin.describeAcls({
    resourceType: AclResourceTypes.ANY,
    resourcePatternType: ResourcePatternTypes.ANY,
    operation: AclOperationTypes.ANY,
    permissionType: AclPermissionTypes.ANY,
  });
  return resources.flatMap((resource) =>
    resource.acls.map((acl) => ({
      principal: acl.principal,
      permission: nameOf<AclPermission>(AclPermissionTypes, acl.permissionType),
      host: acl.host,
      operation: nameOf<AclOperation>(AclOperationTypes, acl.operation),
      resourceType: nameOf<AclResourceType>(AclResourceTypes, resource.resourceType),
      patternType: nameOf<AclPatternType>(ResourcePatternTypes, resource.resourcePatternType),
      resourceName: resource.resourceName,
    })),
  );
}

/** Creates, then removes: a grant that moves is never missing in between. */
export async function applyPlan(admin: Admin, plan: AclPlan): Promise<void> {
  if (plan.create.length > 0) await admin.createAcls({ acl: plan.create.map(toEntry) });
  // An exact filter per ACL: DeleteAcls removes whatever a filter matches.
  if (plan.remove.length > 0) await admin.deleteAcls({ filters: plan.remove.map(toEntry) });
}

function toEntry(grant: AclGrant): AclEntry {
  return {
    principal: grant.principal,
    host: grant.host,
    permissionType: AclPermissionTypes[grant.permission],
    operation: AclOperationTypes[grant.operation],
    resourceType: AclResourceTypes[grant.resourceType],
    resourcePatternType: ResourcePatternTypes[grant.patternType],
    resourceName: grant.resourceName,
  };
}

/** kafkajs's enums are plain objects at run time, without TypeScript's reverse mapping. */
function nameOf<Name extends string>(types: object, code: number): Name {
  const found = Object.entries(types).find(([, value]) => value === code);
  if (!found) throw new Error(`the broker answered an ACL with unknown code ${code}`);
  return found[0] as Name;
}
