import { allow } from './acl-grant';
import { formatPlan, planAcls } from './acl-plan';
import { registryAcls, type AclEnvironment } from './registry-acls';

const environment: AclEnvironment = {
  topicNamespace: 't-1',
  partnerIds: ['POLITIE-OB', 'VT-ZOB'],
  hub: { consumerGroup: 't-1-gateway', transactionalId: 'samenloop-t-1-gw' },
};
const granted = registryAcls(environment);

describe(planAcls.name, () => {
  it('creates every grant on a broker without ACLs', () => {
    expect(planAcls(environment, [])).toEqual({ create: granted, remove: [] });
  });

  it('changes nothing when the broker grants what the registry grants', () => {
    const plan = planAcls(environment, [...granted].reverse());
    expect(plan).toEqual({ create: [], remove: [] });
    expect(formatPlan(plan, true)).toBe('no changes: the ACLs match the partner registry\n');
  });

  it('removes the grants of a partner the registry no longer lists, and extra grants of one it does', () => {
    const stale = [
      allow('User:EX-PARTNER', 'WRITE', 'TOPIC', 't-1.samenloop.in.ex-partner.v1'),
      allow('User:EX-PARTNER', 'READ', 'GROUP', 'EX-PARTNER.', 'PREFIXED'),
      allow('User:VT-ZOB', 'READ', 'TOPIC', 't-1.samenloop.out.politie-ob.v1'),
    ];
    const plan = planAcls(environment, [...granted, ...stale]);
    expect(plan).toEqual({ create: [], remove: stale });
    expect(formatPlan(plan, true)).toBe(
      [
        '- ALLOW User:EX-PARTNER READ GROUP EX-PARTNER. (PREFIXED)',
        '- ALLOW User:EX-PARTNER WRITE TOPIC t-1.samenloop.in.ex-partner.v1 (LITERAL)',
        '- ALLOW User:VT-ZOB READ TOPIC t-1.samenloop.out.politie-ob.v1 (LITERAL)',
        'ACLs: 0 created, 3 removed',
        '',
      ].join('\n'),
    );
  });

  it("leaves the super user's grants and another environment's alone", () => {
    const others = [
      allow('User:admin', 'ALTER', 'CLUSTER', 'kafka-cluster'),
      allow('User:VT-ZOB', 'READ', 'TOPIC', 'samenloop.out.vt-zob.v1'),
      allow('User:samenloop-hub', 'READ', 'TOPIC', 't-2.samenloop.in.vt-zob.v1'),
      allow('User:samenloop-hub', 'READ', 'GROUP', 't-2-gateway'),
      allow('User:samenloop-hub', 'WRITE', 'TRANSACTIONAL_ID', 'samenloop-t-2-gw'),
    ];
    expect(planAcls(environment, [...granted, ...others])).toEqual({ create: [], remove: [] });
  });

  it('says in a dry run what it would have done', () => {
    const plan = planAcls(environment, granted.slice(1));
    expect(formatPlan(plan, false)).toBe(
      '+ ALLOW User:POLITIE-OB WRITE TOPIC t-1.samenloop.in.politie-ob.v1 (LITERAL)\ndry run, nothing changed: 1 to create, 0 to remove\n',
    );
  });
});
