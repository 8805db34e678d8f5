import type { ContractValidator, Submission } from '@samenloop/contracts';
import type { Partner, PartnerRegistry } from '@samenloop/partners';
import { decisionFacts, readStatedFacts } from '@samenloop/case';
import type { DecisionRequest, Policy } from '@samenloop/policy';

export interface PolicyCost {
  /**
   * One recipient, the decision alone (`Policy.authorize`): which rules apply, the level and the
   * allowed field paths, without touching the payload. This is what Cedar decides too.
   */
  readonly nsPerDecision: number;
  /** One recipient with the payload projected on its allowlist (`Policy.decide`): nothing hidden. */
  readonly nsPerDecisionWithProjection: number;
  /** Every potential recipient of one message, with projection: the policy work per message. */
  readonly usPerMessage: number;
  readonly decisionsTimed: number;
}

export interface PolicyBenchInputs {
  readonly policy: Policy;
  readonly registry: PartnerRegistry;
  readonly validator: ContractValidator;
  /** Submission JSON texts, e.g. the schema examples. */
  readonly submissions: readonly string[];
  readonly iterations: number;
}

/** A decision request from a benchmark submission, and the partners other than its sender. */
export interface PolicyBenchRequest extends DecisionRequest {
  readonly messageId: string;
  readonly others: readonly Partner[];
}

/**
 * The requests the policy benchmarks time: each submission at stage zsm in a household in
 * Eindhoven (GM0772), with every partner as a candidate recipient.
 */
export function policyBenchRequests(
  options: Pick<PolicyBenchInputs, 'registry' | 'validator' | 'submissions'>,
): PolicyBenchRequest[] {
  return options.submissions.map((text) => {
    const validation = options.validator.validateSubmissionJson(text);
    if (!validation.ok) throw new Error('a benchmark submission is not valid');
    const submission: Submission = validation.value;
    const sender = options.registry.bySource(submission.envelope.source);
    if (!sender) throw new Error('a benchmark submission names no partner');
    return {
      messageId: submission.envelope.id,
      messageType: submission.messageType,
      stage: 'zsm' as const,
      payload: submission.payload as unknown as Record<string, unknown>,
      zaakReferenties: submission.envelope.data.zaakReferenties,
      facts: decisionFacts(
        { facts: { gemeentecodes: ['GM0772'] }, melders: [], recipients: [] },
        readStatedFacts(submission.messageType, submission.payload as never),
      ),
      sender,
      candidates: options.registry.partners,
      others: options.registry.partners.filter((partner) => partner.id !== sender.id),
    };
  });
}

/** A single decision: one request and one partner other than its sender. */
export interface PolicyBenchDecision {
  readonly request: PolicyBenchRequest;
  readonly recipient: Partner;
}

/** Every request with every partner other than its sender: the single decisions both engines time. */
export function policyBenchDecisions(
  requests: readonly PolicyBenchRequest[],
): PolicyBenchDecision[] {
  return requests.flatMap((request) => request.others.map((recipient) => ({ request, recipient })));
}

/**
 * Nanoseconds per call of `run(index)` over `iterations` calls, after a warm-up of at least 1,000
 * calls and 50 ms: a call of 100 ns is not yet optimised after 1,000 calls.
 */
export function nsPerCall(iterations: number, run: (index: number) => void): number {
  const warmUntil = process.hrtime.bigint() + 50_000_000n;
  for (
    let index = 0;
    index < Math.min(iterations, 1_000) || process.hrtime.bigint() < warmUntil;
    index++
  ) {
    run(index);
  }
  const started = process.hrtime.bigint();
  for (let index = 0; index < iterations; index++) run(index);
  return Number(process.hrtime.bigint() - started) / iterations;
}

/** Times our engine on real submissions from the schema examples, after a warm-up. */
export function measurePolicyCost(options: PolicyBenchInputs): PolicyCost {
  const requests = policyBenchRequests(options);
  // Cycles through every request with every other partner, as Cedar's timing does.
  const decisions = policyBenchDecisions(requests);
  const single = (index: number) => decisions[index % decisions.length]!;
  // Each result feeds a sink, so the optimiser cannot drop a call whose result goes unused.
  let sink = 0;
  const nsPerMessage = nsPerCall(options.iterations, (index) => {
    sink += options.policy.decide(requests[index % requests.length]!).length;
  });
  const nsPerDecision = nsPerCall(options.iterations, (index) => {
    const { request, recipient } = single(index);
    sink += options.policy.authorize(request, recipient).rules.length;
  });
  const nsPerDecisionWithProjection = nsPerCall(options.iterations, (index) => {
    const { request, recipient } = single(index);
    sink += options.policy.decide({ ...request, candidates: [recipient] }).length;
  });
  if (sink < 0) throw new Error('unreachable');
  return {
    nsPerDecision: Math.round(nsPerDecision),
    nsPerDecisionWithProjection: Math.round(nsPerDecisionWithProjection),
    usPerMessage: Number((nsPerMessage / 1_000).toFixed(2)),
    decisionsTimed: options.iterations,
  };
}
