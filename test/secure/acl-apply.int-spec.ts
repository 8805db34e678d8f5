import { topicNames } from '@samenloop/messaging';
import { allow, grantKey } from '../../apps/cli/src/acl/acl-grant';
import { applyPlan, readAcls } from '../../apps/cli/src/acl/broker-acls';
import { testKafka, uniqueName } from '../support/kafka-test-kit';
import { secureClientEnvironment } from '../support/secure-broker';
import { aclApply } from './secure-clients';

describe('samenloop acl apply on the secure broker', () => {
  const admin = testKafka('test-acl-admin', secureClientEnvironment('admin')).admin();
  beforeAll(() => admin.connect());
  afterAll(() => admin.disconnect());

  /** An environment of its own: the ACLs of other tests' namespaces are never this test's to change. */
  const namespace = uniqueName('t').replace('.', '-');
  const topics = topicNames(namespace);
  const settings = {
    SAMENLOOP_TOPIC_NAMESPACE: namespace,
    GATEWAY_CONSUMER_GROUP: `${namespace}-gateway`,
  };
  const onBroker = async () => new Set((await readAcls(admin)).map(grantKey));

  it('creates what the registry grants, then changes nothing, and removes the grants it does not make', async () => {
    const first = await aclApply(settings);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toContain(
      `+ ALLOW User:VT-ZOB READ TOPIC ${topics.delivery('VT-ZOB')} (LITERAL)`,
    );
    // The gateway group's instances share one transactional id and contend for one lease.
    expect(first.stdout).toContain(
      `+ ALLOW User:samenloop-hub WRITE TRANSACTIONAL_ID ${namespace}-gateway.transactions (LITERAL)`,
    );
    expect(first.stdout).toContain(
      `+ ALLOW User:samenloop-hub READ GROUP ${namespace}-gateway.lease (LITERAL)`,
    );
    expect(first.stdout).toMatch(/\nACLs: \d+ created, 0 removed\n$/);
    expect(await onBroker()).toContain(
      grantKey(allow('User:POLITIE-OB', 'WRITE', 'TOPIC', topics.inbound('POLITIE-OB'))),
    );

    expect(await aclApply(settings)).toEqual({
      code: 0,
      stdout: 'no changes: the ACLs match the partner registry\n',
      stderr: '',
    });

    // Made by hand: grants for a partner the registry does not list, and an extra one for VT-ZOB.
    const stale = [
      allow('User:EX-PARTNER', 'WRITE', 'TOPIC', topics.inbound('EX-PARTNER')),
      allow('User:VT-ZOB', 'READ', 'TOPIC', topics.delivery('POLITIE-OB')),
    ];
    await applyPlan(admin, { create: stale, remove: [] });
    const removals = [
      `- ALLOW User:EX-PARTNER WRITE TOPIC ${topics.inbound('EX-PARTNER')} (LITERAL)`,
      `- ALLOW User:VT-ZOB READ TOPIC ${topics.delivery('POLITIE-OB')} (LITERAL)`,
    ];

    const dryRun = await aclApply(settings, { dryRun: true });
    expect(dryRun.stdout).toBe(
      `${removals.join('\n')}\ndry run, nothing changed: 0 to create, 2 to remove\n`,
    );
    expect([...(await onBroker())]).toEqual(expect.arrayContaining(stale.map(grantKey)));

    const applied = await aclApply(settings);
    expect(applied).toEqual({
      code: 0,
      stdout: `${removals.join('\n')}\nACLs: 0 created, 2 removed\n`,
      stderr: '',
    });
    const left = await onBroker();
    expect(stale.filter((grant) => left.has(grantKey(grant)))).toEqual([]);
  });

  it('stops with a clear message, changing nothing, when not run as the super user', async () => {
    const refused = await aclApply(settings, { principal: 'samenloop-operator' });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(
      /^samenloop: acl apply failed: Cluster authorization failed\. Run it as the Kafka super user/,
    );
  });
});
