import { AssignerProtocol, type Cluster, type Logger } from 'kafkajs';
import { stickyLeaseAssigner, type LeaseClaim } from './sticky-lease.assigner';

const TOPIC = 'samenloop.lease.v1';

/** Each member's metadata as its own assigner announces it when joining. */
function member(memberId: string, claim: LeaseClaim) {
  const assigner = stickyLeaseAssigner(() => claim)({
    cluster: {} as Cluster,
    groupId: 'hub.lease',
    logger: {} as Logger,
  });
  return { memberId, memberMetadata: assigner.protocol({ topics: [TOPIC] }).metadata };
}

async function holderOf(members: ReturnType<typeof member>[]): Promise<string[]> {
  const assigner = stickyLeaseAssigner(() => ({ instanceId: 'leader' }))({
    cluster: {} as Cluster,
    groupId: 'hub.lease',
    logger: {} as Logger,
  });
  const assignments = await assigner.assign({ members, topics: [TOPIC] });
  expect(assignments.map((assignment) => assignment.memberId).sort()).toEqual(
    members.map((m) => m.memberId).sort(),
  );
  return assignments
    .filter(({ memberAssignment }) =>
      AssignerProtocol.MemberAssignment.decode(memberAssignment)?.assignment[TOPIC]?.includes(0),
    )
    .map(({ memberId }) => memberId);
}

describe('stickyLeaseAssigner', () => {
  it('leaves the lease with its holder when a standby joins, whatever the member ids', async () => {
    expect(
      await holderOf([
        member('a-standby', { instanceId: 'gateway-2' }),
        member('z-holder', { instanceId: 'gateway-1', heldSince: 1_000 }),
      ]),
    ).toEqual(['z-holder']);
  });

  it('gives the lease to the latest acquisition when a replaced holder rejoins', async () => {
    expect(
      await holderOf([
        member('paused', { instanceId: 'gateway-1', heldSince: 1_000 }),
        member('successor', { instanceId: 'gateway-2', heldSince: 9_000 }),
      ]),
    ).toEqual(['successor']);
  });

  it('gives the lease to exactly one member when nobody holds it', async () => {
    expect(
      await holderOf([
        member('b', { instanceId: 'gateway-2' }),
        member('a', { instanceId: 'gateway-1' }),
      ]),
    ).toEqual(['a']);
  });
});
