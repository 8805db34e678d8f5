import { AssignerProtocol, type PartitionAssigner } from 'kafkajs';

export const STICKY_LEASE_ASSIGNER = 'SamenloopStickyLease';

/** What a member says about itself when it joins the lease group. */
export interface LeaseClaim {
  readonly instanceId: string;
  /** When it acquired the lease (ms since the epoch); absent while it stands by. */
  readonly heldSince?: number;
}

/**
 * Gives the lease topic's one partition to the member that holds it already, so a standby
 * joining the group never makes the active hand over; the group's rebalances would otherwise
 * move the partition at will. Among several claimants (a paused holder rejoining after it was
 * replaced) the latest acquisition wins: it was made after the earlier holder's session ended.
 * Without a claimant the partition goes to the first member by id.
 */
export function stickyLeaseAssigner(claim: () => LeaseClaim): PartitionAssigner {
  return () => ({
    name: STICKY_LEASE_ASSIGNER,
    version: 0,
    assign({ members, topics }) {
      const [topic] = topics;
      if (topics.length !== 1 || topic === undefined)
        throw new Error(`the lease group subscribes one topic, not ${topics.length}`);
      const holder = chooseHolder(
        members.map(({ memberId, memberMetadata }) => ({
          memberId,
          claim: decodeClaim(AssignerProtocol.MemberMetadata.decode(memberMetadata)?.userData),
        })),
      );
      return Promise.resolve(
        members.map(({ memberId }) => ({
          memberId,
          memberAssignment: AssignerProtocol.MemberAssignment.encode({
            version: 0,
            assignment: memberId === holder ? { [topic]: [0] } : {},
            userData: Buffer.alloc(0),
          }),
        })),
      );
    },
    protocol({ topics }) {
      return {
        name: STICKY_LEASE_ASSIGNER,
        metadata: AssignerProtocol.MemberMetadata.encode({
          version: 0,
          topics,
          userData: Buffer.from(JSON.stringify(claim())),
        }),
      };
    },
  });
}

function chooseHolder(
  members: readonly { memberId: string; claim: LeaseClaim | undefined }[],
): string | undefined {
  const claimants = members
    .filter((member) => member.claim?.heldSince !== undefined)
    .sort((a, b) => b.claim!.heldSince! - a.claim!.heldSince!);
  return claimants[0]?.memberId ?? [...members].map((member) => member.memberId).sort()[0];
}

/** A claim that does not parse (another version, another client) claims nothing. */
function decodeClaim(userData: Buffer | undefined): LeaseClaim | undefined {
  if (!userData || userData.length === 0) return undefined;
  try {
    const parsed = JSON.parse(userData.toString('utf8')) as Partial<LeaseClaim>;
    if (typeof parsed.instanceId !== 'string') return undefined;
    return {
      instanceId: parsed.instanceId,
      ...(typeof parsed.heldSince === 'number' ? { heldSince: parsed.heldSince } : {}),
    };
  } catch {
    return undefined;
  }
}
