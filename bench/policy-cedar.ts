/**
 * The same decisions as `policy-cost.ts`, taken by `@cedar-policy/cedar-wasm` with our rules
 * translated mechanically into Cedar, so that "faster than Cedar" compares equal work.
 *
 * What Cedar decides is whether a recipient may receive a message (allow or deny) and on which
 * rules. Which fields it gets is not an authorization question but a data transformation: field
 * projection is no part of the Cedar decision, so our "single decision" (`Policy.authorize`) is
 * timed without it too; `policy-cost.ts` reports our cost with projection separately.
 *
 * Both deny by default (Cedar without a matching permit, ours without a matching rule). Our
 * decision also says why a recipient gets nothing and whether it awaits the household's
 * municipality; Cedar has no such answer, so those are not compared, but ours are still computed
 * inside the timed decision.
 */
import {
  getCedarSDKVersion,
  isAuthorized,
  preparsePolicySet,
  statefulIsAuthorized,
  validate,
  type AuthorizationAnswer,
  type Context,
  type EntityJson,
  type EntityUidJson,
  type TypeAndId,
} from '@cedar-policy/cedar-wasm/nodejs';
import { CASE_STAGES, type MessageType } from '@samenloop/contracts';
import type { Partner } from '@samenloop/partners';
import type { DecisionFacts } from '@samenloop/case';
import type { Authorization, AuthorizationRequest, Policy, PolicyRule } from '@samenloop/policy';
import {
  nsPerCall,
  policyBenchDecisions,
  policyBenchRequests,
  type PolicyBenchInputs,
} from './policy-cost';

export interface CedarPolicyCost {
  /** One decision by `statefulIsAuthorized` with the policy set pre-parsed once (Cedar's fast path). */
  readonly nsPerDecision: number;
  readonly decisionsTimed: number;
  /** One decision by `isAuthorized`, which parses the policy text on every call; for reference. */
  readonly nsPerDecisionUnparsed: number;
  readonly decisionsTimedUnparsed: number;
  /** Cedar policies: one per rule of ours, plus the sender exclusion. */
  readonly policies: number;
  readonly preparsed: true;
  /** The cedar-wasm version. */
  readonly version: string;
  /** Requests on which Cedar and our engine were checked to agree before timing. */
  readonly requestsChecked: number;
}

/** A translation the policy set cannot be given honestly, or a disagreement with our engine. */
export class CedarEquivalenceError extends Error {
  readonly retriable = false;
  constructor(message: string) {
    super(message);
    this.name = 'CedarEquivalenceError';
  }
}

const POLICY_SET_ID = 'samenloop';
/** Our one rule that lives in code, not in a policy file; the colon keeps it apart from rule ids. */
const SENDER_EXCLUDED = 'samenloop:sender-excluded';
const ACTION: TypeAndId = { type: 'Action', id: 'receive' };
const DEFAULT_MAX_ITERATIONS = 10_000;
const UNPARSED_ITERATIONS = 300;

/** What Cedar may assume about the entities; checked against the policies once, not per request. */
const CEDAR_SCHEMA = `
entity Partner = { kind: String, gemeenten: Set<String> };
entity Message = {
  messageType: String,
  stage: String,
  sender: Partner,
  melders: Set<Partner>,
  recipients: Set<Partner>,
  gemeentecodes: Set<String>,
  domesticViolence?: Bool,
  minorsInvolved?: Bool,
  raadBetrokken?: Bool,
  suspectAdult?: Bool,
  supervisionOrConditions?: Bool,
};
action receive appliesTo { principal: Partner, resource: Message, context: {} };
`;

/**
 * Every key of a rule and its part in the translation. A key added to the policy-file schema stops
 * this from compiling until it has a place here; an unknown key at run time is refused.
 */
const RULE_KEYS: Readonly<
  Record<keyof PolicyRule, 'condition' | 'level' | 'fields' | 'documentation'>
> = {
  id: 'documentation',
  description: 'documentation',
  recipient: 'condition',
  messageType: 'condition',
  stages: 'condition',
  when: 'condition',
  notificationOnly: 'level',
  fields: 'fields',
  minimum: 'fields',
  zaakReferenties: 'fields',
  purpose: 'documentation',
  legalBasis: 'documentation',
};

type When = NonNullable<PolicyRule['when']>;

/** Each `when` condition of our engine (`mismatch` in policy.ts) as a Cedar expression. */
const WHEN: { readonly [K in keyof When]-?: (value: NonNullable<When[K]>) => string } = {
  // An unknown fact is an absent attribute and matches no condition, as in our engine.
  domesticViolence: (value) =>
    `(resource has domesticViolence && resource.domesticViolence == ${String(value)})`,
  minorsInvolved: (value) =>
    `(resource has minorsInvolved && resource.minorsInvolved == ${String(value)})`,
  raadBetrokken: (value) =>
    `(resource has raadBetrokken && resource.raadBetrokken == ${String(value)})`,
  suspectAdult: (value) =>
    `(resource has suspectAdult && resource.suspectAdult == ${String(value)})`,
  supervisionOrConditions: (value) =>
    `(resource has supervisionOrConditions && resource.supervisionOrConditions == ${String(value)})`,
  recipientServesMunicipality: () => 'principal.gemeenten.containsAny(resource.gemeentecodes)',
  recipientReportedCase: () => 'resource.melders.contains(principal)',
  recipientInThread: () => 'resource.recipients.contains(principal)',
};

/** A Cedar string literal; policy files only hold ids, codes and enum values, so no escaping. */
function literal(value: string): string {
  if (!/^[A-Za-z0-9.:_-]*$/.test(value)) {
    throw new CedarEquivalenceError(`cannot write ${JSON.stringify(value)} as a Cedar string`);
  }
  return `"${value}"`;
}

/** The conditions under which a rule applies to a principal (recipient) and resource (message). */
function conditionOf(rule: PolicyRule): string {
  for (const key of Object.keys(rule)) {
    if (!(key in RULE_KEYS)) {
      throw new CedarEquivalenceError(
        `rule ${rule.id}: the Cedar translation does not know the rule key "${key}"`,
      );
    }
  }
  const { recipient } = rule;
  const conditions = [
    `resource.messageType == ${literal(rule.messageType)}`,
    recipient.id !== undefined
      ? `principal == Partner::${literal(recipient.id)}`
      : recipient.kind !== undefined
        ? `principal.kind == ${literal(recipient.kind)}`
        : undefined,
    `[${rule.stages.map(literal).join(', ')}].contains(resource.stage)`,
  ];
  if (conditions[1] === undefined) {
    throw new CedarEquivalenceError(`rule ${rule.id}: names neither a recipient id nor a kind`);
  }
  for (const [key, value] of Object.entries(rule.when ?? {})) {
    if (value === undefined) continue;
    if (!(key in WHEN)) {
      throw new CedarEquivalenceError(
        `rule ${rule.id}: the Cedar translation does not know the condition when.${key}`,
      );
    }
    const translate = WHEN[key as keyof When] as (value: unknown) => string;
    conditions.push(translate(value));
  }
  return conditions.join(' && ');
}

/** A Cedar policy set as one text, and the @id of each of its policies in order. */
interface CedarPolicySet {
  readonly text: string;
  /**
   * Cedar names the policies of a text `policy0`, `policy1`, … in order and ignores `@id`: a
   * record of texts keyed by id would keep our ids, but parses 2.5× slower on every unparsed call.
   */
  readonly ids: readonly string[];
}

/**
 * One Cedar policy per rule, annotated with the rule id, plus the sender exclusion. Our engine
 * grants the content rules that match, or else the first matching notification rule; a
 * notification policy therefore holds `unless` a content rule, or an earlier notification rule, of
 * its message type matches, so Cedar's determining policies are exactly our decision's rules.
 */
function cedarPolicySet(policy: Policy): CedarPolicySet {
  const policies = new Map<string, string>();
  for (const [position, rule] of policy.rules.entries()) {
    const precedence = rule.notificationOnly
      ? policy.rules.filter(
          (other, at) =>
            other.messageType === rule.messageType && (!other.notificationOnly || at < position),
        )
      : [];
    const unless = precedence.map((other) => `(${conditionOf(other)})`).join(' || ');
    policies.set(
      rule.id,
      [
        `@id(${literal(rule.id)})`,
        `permit (principal, action == Action::${literal(ACTION.id)}, resource)`,
        `when { ${conditionOf(rule)} }`,
        ...(unless ? [`unless { ${unless} }`] : []),
      ].join('\n') + ';',
    );
  }
  if (policies.has(SENDER_EXCLUDED)) {
    throw new CedarEquivalenceError(`a rule is named ${SENDER_EXCLUDED}`);
  }
  policies.set(
    SENDER_EXCLUDED,
    [
      `@id(${literal(SENDER_EXCLUDED)})`,
      `forbid (principal, action == Action::${literal(ACTION.id)}, resource)`,
      'when { principal == resource.sender };',
    ].join('\n'),
  );
  const set = { text: [...policies.values()].join('\n\n'), ids: [...policies.keys()] };
  const validation = validate({ schema: CEDAR_SCHEMA, policies: { staticPolicies: set.text } });
  if (validation.type === 'failure' || validation.validationErrors.length > 0) {
    const errors =
      validation.type === 'failure'
        ? validation.errors.map((error) => error.message)
        : validation.validationErrors.map(
            ({ policyId, error }) => `${idOf(set, policyId)}: ${error.message}`,
          );
    throw new CedarEquivalenceError(`the Cedar policy set is not valid:\n  ${errors.join('\n  ')}`);
  }
  return set;
}

/** Our id of the policy Cedar calls `policyN`. */
function idOf(set: CedarPolicySet, cedarId: string): string {
  const id = set.ids[Number(/^policy(\d+)$/.exec(cedarId)?.[1] ?? NaN)];
  if (id === undefined) throw new CedarEquivalenceError(`Cedar names an unknown policy ${cedarId}`);
  return id;
}

const partnerUid = (partner: Pick<Partner, 'id'>): TypeAndId => ({
  type: 'Partner',
  id: partner.id,
});
const reference = (uid: TypeAndId): { __entity: TypeAndId } => ({ __entity: uid });

interface CedarRequest {
  readonly principal: EntityUidJson;
  readonly action: EntityUidJson;
  readonly resource: EntityUidJson;
  readonly context: Context;
  readonly entities: EntityJson[];
}

/** A decision request as Cedar takes it: the recipient as principal, the message as resource. */
function cedarRequest(
  request: AuthorizationRequest,
  recipient: Partner,
  messageId: string,
): CedarRequest {
  const principal = partnerUid(recipient);
  const resource: TypeAndId = { type: 'Message', id: messageId };
  const { facts } = request;
  return {
    principal,
    action: ACTION,
    resource,
    context: {},
    entities: [
      {
        uid: principal,
        attrs: { kind: recipient.kind, gemeenten: [...(recipient.gemeenten ?? [])] },
        parents: [],
      },
      {
        uid: resource,
        attrs: {
          messageType: request.messageType,
          stage: request.stage,
          sender: reference(partnerUid(request.sender)),
          melders: (facts.melders ?? []).map((id) => reference(partnerUid({ id }))),
          recipients: (facts.recipients ?? []).map((id) => reference(partnerUid({ id }))),
          gemeentecodes: [...(facts.gemeentecodes ?? [])],
          ...Object.fromEntries(
            BOOLEAN_FACTS.flatMap((fact) =>
              facts[fact] === undefined ? [] : [[fact, facts[fact]]],
            ),
          ),
        },
        parents: [],
      },
    ],
  };
}

function describeRequest(request: AuthorizationRequest, recipient: Partner): string {
  return `${request.messageType} for ${recipient.id} from ${request.sender.id} at stage ${request.stage} (facts ${JSON.stringify(request.facts)})`;
}

/** Throws unless Cedar's answer is our authorization: allow iff a level above geen, on the same rules. */
function checkAgreement(
  set: CedarPolicySet,
  answer: AuthorizationAnswer,
  ours: Authorization,
  request: AuthorizationRequest,
): void {
  const what = describeRequest(request, ours.recipient);
  if (answer.type === 'failure') {
    throw new CedarEquivalenceError(
      `Cedar failed on ${what}: ${answer.errors.map((error) => error.message).join('; ')}`,
    );
  }
  const { decision, diagnostics } = answer.response;
  // A policy that errors is skipped by Cedar, which would hide a translation mistake.
  if (diagnostics.errors.length > 0) {
    throw new CedarEquivalenceError(
      `Cedar policies erred on ${what}: ${diagnostics.errors.map(({ policyId, error }) => `${idOf(set, policyId)}: ${error.message}`).join('; ')}`,
    );
  }
  const cedarRules = diagnostics.reason.map((policyId) => idOf(set, policyId)).sort();
  const ourRules = ours.rules.map((rule) => rule.id).sort();
  const allowed = ours.level !== 'geen';
  if (
    (decision === 'allow') !== allowed ||
    (allowed && cedarRules.join(' ') !== ourRules.join(' '))
  ) {
    throw new CedarEquivalenceError(
      `Cedar and our engine disagree on ${what}: Cedar ${decision} on [${cedarRules.join(', ')}], ours ${ours.level} on [${ourRules.join(', ')}]`,
    );
  }
}

/** The facts that are true, false or unknown: an unknown one is an absent Cedar attribute. */
const BOOLEAN_FACTS = [
  'domesticViolence',
  'minorsInvolved',
  'raadBetrokken',
  'suspectAdult',
  'supervisionOrConditions',
] as const;

type VariedFacts = Pick<
  DecisionFacts,
  (typeof BOOLEAN_FACTS)[number] | 'gemeentecodes' | 'melders' | 'recipients'
>;

/** The fact each condition reads: the equivalence check varies those a message type's rules read. */
const FACT_READ: { readonly [K in keyof When]-?: keyof VariedFacts } = {
  domesticViolence: 'domesticViolence',
  minorsInvolved: 'minorsInvolved',
  raadBetrokken: 'raadBetrokken',
  suspectAdult: 'suspectAdult',
  supervisionOrConditions: 'supervisionOrConditions',
  recipientServesMunicipality: 'gemeentecodes',
  recipientReportedCase: 'melders',
  recipientInThread: 'recipients',
};

/**
 * Every message type the rules or the benchmark name, at every stage, with every combination of
 * values of the facts its rules read (true, false or unknown; a municipality of each VT or
 * unknown; every partner or none as reporter), for every partner as recipient, the sender
 * included. Wider than the timed requests, which reach only a few rules.
 */
function equivalenceRequests(
  policy: Policy,
  partners: readonly Partner[],
  timed: readonly AuthorizationRequest[],
): AuthorizationRequest[] {
  const firstMunicipalities = [
    ...new Set(partners.flatMap((partner) => partner.gemeenten?.slice(0, 1) ?? [])),
  ];
  const everyone = partners.map((partner) => partner.id);
  const values: { readonly [K in keyof VariedFacts]-?: readonly VariedFacts[K][] } = {
    domesticViolence: [true, false, undefined],
    minorsInvolved: [true, false, undefined],
    raadBetrokken: [true, false, undefined],
    suspectAdult: [true, false, undefined],
    supervisionOrConditions: [true, false, undefined],
    gemeentecodes: [undefined, ...firstMunicipalities.map((code) => [code]), firstMunicipalities],
    melders: [undefined, everyone],
    recipients: [undefined, everyone],
  };
  const requests: AuthorizationRequest[] = [...timed];
  const messageTypes = new Set([
    ...timed.map((request) => request.messageType),
    ...policy.rules.map((rule) => rule.messageType as MessageType),
  ]);
  let sent = 0;
  for (const messageType of messageTypes) {
    const read = new Set(
      policy.rules
        .filter((rule) => rule.messageType === messageType)
        .flatMap((rule) => Object.keys(rule.when ?? {}).map((key) => FACT_READ[key as keyof When])),
    );
    let facts: VariedFacts[] = [{}];
    for (const fact of read) {
      facts = facts.flatMap((known) => values[fact].map((value) => ({ ...known, [fact]: value })));
    }
    for (const stage of CASE_STAGES) {
      for (const known of facts) {
        requests.push({
          messageType,
          stage,
          facts: known,
          sender: partners[sent++ % partners.length]!,
        });
      }
    }
  }
  return requests;
}

/**
 * Times `@cedar-policy/cedar-wasm` on the decisions `measurePolicyCost` times, after checking on
 * those and many more that Cedar and our engine decide alike. Cedar's requests are built before
 * the clock starts, as our engine's are.
 */
export function measureCedarPolicy(
  options: PolicyBenchInputs & {
    /** Cedar is slow: at most this many timed decisions (default 10,000). */
    readonly maxIterations?: number;
  },
): CedarPolicyCost {
  const set = cedarPolicySet(options.policy);
  const policies = { staticPolicies: set.text };
  const preparsed = preparsePolicySet(POLICY_SET_ID, policies);
  if (preparsed.type === 'failure') {
    throw new CedarEquivalenceError(
      `Cedar cannot parse the policy set: ${preparsed.errors.map((error) => error.message).join('; ')}`,
    );
  }
  const requests = policyBenchRequests(options);
  const decisions = policyBenchDecisions(requests);

  let requestsChecked = 0;
  for (const request of equivalenceRequests(options.policy, options.registry.partners, requests)) {
    for (const recipient of options.registry.partners) {
      const call = cedarRequest(request, recipient, `check-${requestsChecked}`);
      checkAgreement(
        set,
        statefulIsAuthorized({ ...call, preparsedPolicySetId: POLICY_SET_ID }),
        options.policy.authorize(request, recipient),
        request,
      );
      requestsChecked++;
    }
  }
  // The unparsed path must agree too: it is timed below.
  for (const { request, recipient } of decisions) {
    checkAgreement(
      set,
      isAuthorized({ ...cedarRequest(request, recipient, request.messageId), policies }),
      options.policy.authorize(request, recipient),
      request,
    );
    requestsChecked++;
  }

  const calls = decisions.map(({ request, recipient }) =>
    cedarRequest(request, recipient, request.messageId),
  );
  const preparsedCalls = calls.map((call) => ({ ...call, preparsedPolicySetId: POLICY_SET_ID }));
  const unparsedCalls = calls.map((call) => ({ ...call, policies }));
  const allowed = (answer: AuthorizationAnswer) =>
    answer.type === 'success' && answer.response.decision === 'allow' ? 1 : 0;
  let sink = 0;
  const iterations = Math.min(options.iterations, options.maxIterations ?? DEFAULT_MAX_ITERATIONS);
  const nsPerDecision = nsPerCall(iterations, (index) => {
    sink += allowed(statefulIsAuthorized(preparsedCalls[index % preparsedCalls.length]!));
  });
  const unparsedIterations = Math.min(iterations, UNPARSED_ITERATIONS);
  const nsPerDecisionUnparsed = nsPerCall(unparsedIterations, (index) => {
    sink += allowed(isAuthorized(unparsedCalls[index % unparsedCalls.length]!));
  });
  if (sink < 0) throw new Error('unreachable');
  return {
    nsPerDecision: Math.round(nsPerDecision),
    decisionsTimed: iterations,
    nsPerDecisionUnparsed: Math.round(nsPerDecisionUnparsed),
    decisionsTimedUnparsed: unparsedIterations,
    policies: set.ids.length,
    preparsed: true,
    version: getCedarSDKVersion(),
    requestsChecked,
  };
}
