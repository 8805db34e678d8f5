/** Told when this instance becomes, or stops being, the one that holds the lease. */
export interface LeaseListener {
  onAcquired(): void;
  /** `reason` names what happened (a rebalance, an expired session), never record contents. */
  onLost(reason: string): void;
}

/**
 * A right only one instance holds at a time: its holder is the active gateway, the others wait as
 * hot standbys. Holding it is no proof on its own (a paused holder cannot know it lost it): the
 * stable transactional id fences whoever held it before.
 */
export interface Lease {
  /** Starts contending; resolves once this instance is a contender, holder or not. */
  start(listener: LeaseListener): Promise<void>;
  /** Whether this instance holds the lease as far as it can tell right now. */
  readonly held: boolean;
  /** Drops any claim and contends again, e.g. once fenced: someone else has taken over. */
  recontend(): Promise<void>;
  stop(): Promise<void>;
}
