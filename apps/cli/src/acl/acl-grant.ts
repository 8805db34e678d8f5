import type {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  ResourcePatternTypes,
} from 'kafkajs';

/** Kafka's own names (as `kafka-acls` prints them), without the filter-only UNKNOWN and ANY. */
type Named<Types> = Exclude<keyof Types, 'UNKNOWN' | 'ANY'>;
export type AclOperation = Named<typeof AclOperationTypes>;
export type AclResourceType = Named<typeof AclResourceTypes>;
/** LITERAL names one resource; PREFIXED every resource whose name starts with it. */
export type AclPatternType = Exclude<Named<typeof ResourcePatternTypes>, 'MATCH'>;
export type AclPermission = Named<typeof AclPermissionTypes>;

/** One ACL as the broker keeps it. Samenloop only writes ALLOW rules from any host (`*`). */
export interface AclGrant {
  /** `User:<name>`: the SCRAM user name. */
  readonly principal: string;
  readonly permission: AclPermission;
  readonly host: string;
  readonly operation: AclOperation;
  readonly resourceType: AclResourceType;
  readonly patternType: AclPatternType;
  readonly resourceName: string;
}

export function principalOf(user: string): string {
  return `User:${user}`;
}

export function allow(
  principal: string,
  operation: AclOperation,
  resourceType: AclResourceType,
  resourceName: string,
  patternType: AclPatternType = 'LITERAL',
): AclGrant {
  return {
    principal,
    permission: 'ALLOW',
    host: '*',
    operation,
    resourceType,
    patternType,
    resourceName,
  };
}

/** What identifies an ACL: two grants with the same key are the same ACL on the broker. */
export function grantKey(grant: AclGrant): string {
  return [
    grant.principal,
    grant.permission,
    grant.host,
    grant.operation,
    grant.resourceType,
    grant.patternType,
    grant.resourceName,
  ].join(' ');
}

/** `ALLOW User:VT-ZOB READ TOPIC samenloop.out.vt-zob.v1 (LITERAL)`; a host only when not `*`. */
export function describeGrant(grant: AclGrant): string {
  const host = grant.host === '*' ? '' : ` from ${grant.host}`;
  return `${grant.permission} ${grant.principal}${host} ${grant.operation} ${grant.resourceType} ${grant.resourceName} (${grant.patternType})`;
}
