import { topicNames } from '@samenloop/messaging';
import { describeGrant, type AclGrant } from './acl-grant';
import { registryAcls, type AclEnvironment } from './registry-acls';

const environment: AclEnvironment = {
  topicNamespace: '',
  partnerIds: ['POLITIE-OB', 'VT-ZOB', 'OM'],
  hub: { consumerGroup: 'samenloop-gateway', transactionalId: 'samenloop-gateway-1' },
};

const of = (grants: readonly AclGrant[], user: string) =>
  grants
    .filter((grant) => grant.principal === `User:${user}`)
    .map(describeGrant)
    .sort();

describe(registryAcls.name, () => {
  it('lets a partner write only its inbound topic and read only its delivery topic, with groups, transactional ids and connector topics under its own prefix', () => {
    expect(of(registryAcls(environment), 'VT-ZOB')).toEqual([
      'ALLOW User:VT-ZOB ALTER_CONFIGS TOPIC samenloop.connector.vt-zob. (PREFIXED)',
      'ALLOW User:VT-ZOB CREATE TOPIC samenloop.connector.vt-zob. (PREFIXED)',
      'ALLOW User:VT-ZOB DESCRIBE TOPIC samenloop.connector.vt-zob. (PREFIXED)',
      'ALLOW User:VT-ZOB DESCRIBE TOPIC samenloop.in.vt-zob.v1 (LITERAL)',
      'ALLOW User:VT-ZOB DESCRIBE TOPIC samenloop.out.vt-zob.v1 (LITERAL)',
      'ALLOW User:VT-ZOB DESCRIBE_CONFIGS TOPIC samenloop.connector.vt-zob. (PREFIXED)',
      'ALLOW User:VT-ZOB READ GROUP VT-ZOB. (PREFIXED)',
      'ALLOW User:VT-ZOB READ TOPIC samenloop.connector.vt-zob. (PREFIXED)',
      'ALLOW User:VT-ZOB READ TOPIC samenloop.out.vt-zob.v1 (LITERAL)',
      'ALLOW User:VT-ZOB WRITE TOPIC samenloop.connector.vt-zob. (PREFIXED)',
      'ALLOW User:VT-ZOB WRITE TOPIC samenloop.in.vt-zob.v1 (LITERAL)',
      'ALLOW User:VT-ZOB WRITE TRANSACTIONAL_ID VT-ZOB. (PREFIXED)',
    ]);
  });

  it('names the topics of the namespace the environment runs in', () => {
    const grants = registryAcls({ ...environment, topicNamespace: 'acceptatie' });
    const topics = grants.filter((grant) => grant.resourceType === 'TOPIC');
    expect(topics.length).toBeGreaterThan(0);
    expect(topics.every((grant) => grant.resourceName.startsWith('acceptatie.samenloop.'))).toBe(
      true,
    );
  });

  it("gives the hub its own consumer group and transactional id, every hub topic, and no partner's group", () => {
    const hub = of(registryAcls(environment), 'samenloop-hub');
    expect(hub).toEqual(
      expect.arrayContaining([
        'ALLOW User:samenloop-hub READ GROUP samenloop-gateway (LITERAL)',
        'ALLOW User:samenloop-hub WRITE TRANSACTIONAL_ID samenloop-gateway-1 (LITERAL)',
        'ALLOW User:samenloop-hub READ TOPIC samenloop.in.politie-ob.v1 (LITERAL)',
        'ALLOW User:samenloop-hub WRITE TOPIC samenloop.out.vt-zob.v1 (LITERAL)',
        'ALLOW User:samenloop-hub CREATE TOPIC samenloop.audit.v1 (LITERAL)',
        'ALLOW User:samenloop-hub ALTER_CONFIGS TOPIC samenloop.in.om.v1 (LITERAL)',
        'ALLOW User:samenloop-hub WRITE TOPIC samenloop.state.cases.v1 (LITERAL)',
        'ALLOW User:samenloop-hub READ TOPIC samenloop.clock.v1 (LITERAL)',
      ]),
    );
    expect(hub.filter((line) => line.includes('GROUP') && /[A-Z]{2}\. /.test(line))).toEqual([]);
    // The hub never reads what it delivers, nor writes what partners submit.
    expect(hub).not.toContain(
      'ALLOW User:samenloop-hub READ TOPIC samenloop.out.vt-zob.v1 (LITERAL)',
    );
    expect(hub).not.toContain(
      'ALLOW User:samenloop-hub WRITE TOPIC samenloop.in.vt-zob.v1 (LITERAL)',
    );
  });

  it('lets the hub join its lease group and read the lease topic, which decide the active gateway', () => {
    expect(of(registryAcls(environment), 'samenloop-hub')).toEqual(
      expect.arrayContaining([
        'ALLOW User:samenloop-hub READ GROUP samenloop-gateway.lease (LITERAL)',
        'ALLOW User:samenloop-hub READ TOPIC samenloop.lease.v1 (LITERAL)',
        'ALLOW User:samenloop-hub CREATE TOPIC samenloop.lease.v1 (LITERAL)',
      ]),
    );
  });

  it('lets the operator read the parked messages and the audit, but no delivery and no case state', () => {
    const topics = topicNames('');
    const operator = registryAcls(environment).filter(
      (grant) => grant.principal === 'User:samenloop-operator',
    );
    const read = operator
      .filter((grant) => grant.resourceType === 'TOPIC' && grant.operation === 'READ')
      .map((grant) => grant.resourceName)
      .sort();
    expect(read).toEqual([topics.audit, topics.parked].sort());
    expect(operator.some((grant) => grant.resourceName === topics.delivery('VT-ZOB'))).toBe(false);
    expect(operator.some((grant) => grant.resourceName === topics.caseState)).toBe(false);
  });

  it("grants topics by their exact name only, but for each partner's own connector topics", () => {
    const prefixedTopics = registryAcls({ ...environment, topicNamespace: 'acceptatie' })
      .filter((grant) => grant.patternType === 'PREFIXED' && grant.resourceType === 'TOPIC')
      .map((grant) => `${grant.principal} ${grant.resourceName}`);
    expect([...new Set(prefixedTopics)].sort()).toEqual([
      'User:OM acceptatie.samenloop.connector.om.',
      'User:POLITIE-OB acceptatie.samenloop.connector.politie-ob.',
      'User:VT-ZOB acceptatie.samenloop.connector.vt-zob.',
    ]);
  });
});
