import type { ContractValidator, Submission } from '@samenloop/contracts';
import type { PartnerRegistry } from '@samenloop/partners';
import { mergeFacts, readCaseFacts, type Policy } from '@samenloop/policy';

export interface PolicyCost {
  /** One recipient: which rules apply and which fields it gets. */
  readonly nsPerDecision: number;
  /** Every potential recipient of one message, with projection: the policy work per message. */
  readonly usPerMessage: number;
  readonly decisionsTimed: number;
}

/** Times our engine on real submissions from the schema examples, after a warm-up. */
export function measurePolicyCost(options: {
  readonly policy: Policy;
  readonly registry: PartnerRegistry;
  readonly validator: ContractValidator;
  readonly submissions: readonly string[];
  readonly iterations: number;
}): PolicyCost {
  const requests = options.submissions.map((text) => {
    const validation = options.validator.validateSubmissionJson(text);
    if (!validation.ok) throw new Error('a benchmark submission is not valid');
    const submission: Submission = validation.value;
    const sender = options.registry.bySource(submission.envelope.source);
    if (!sender) throw new Error('a benchmark submission names no partner');
    return {
      messageType: submission.messageType,
      stage: 'zsm' as const,
      payload: submission.payload as unknown as Record<string, unknown>,
      facts: mergeFacts(readCaseFacts(submission.messageType, submission.payload as never), {
        gemeentecode: 'GM0772',
      }),
      sender,
      candidates: options.registry.partners,
      others: options.registry.partners.filter((partner) => partner.id !== sender.id),
    };
  });
  const time = (run: (index: number) => void): number => {
    for (let index = 0; index < 1_000; index++) run(index);
    const started = process.hrtime.bigint();
    for (let index = 0; index < options.iterations; index++) run(index);
    return Number(process.hrtime.bigint() - started) / options.iterations;
  };
  const nsPerMessage = time((index) => {
    options.policy.decide(requests[index % requests.length]!);
  });
  const nsPerDecision = time((index) => {
    const request = requests[index % requests.length]!;
    options.policy.decide({
      ...request,
      candidates: [request.others[index % request.others.length]!],
    });
  });
  return {
    nsPerDecision: Math.round(nsPerDecision),
    usPerMessage: Number((nsPerMessage / 1_000).toFixed(2)),
    decisionsTimed: options.iterations,
  };
}
