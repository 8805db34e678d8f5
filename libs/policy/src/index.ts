export { Policy, InvalidPolicyError } from './policy';
export type {
  Authorization,
  AuthorizationRequest,
  DecisionRequest,
  Level,
  PolicyContext,
  PolicySource,
  RecipientDecision,
  WithheldField,
} from './policy';
export type { PolicyFile, PolicyRule } from './policy-file';
export { acceptInCase, decideInCase, recipientsOfDecisions, releaseInCase } from './case-decision';
export { caseMessageOf, replayCase, senderOf } from './case-replay';
export type { CaseReplay, ReplayedMessage } from './case-replay';
export type {
  CaseDecider,
  CaseDecision,
  CaseMessage,
  DecidedInCase,
  ParkingReason,
} from './case-decision';
export { covers, generalise, type FieldPath } from './field-path';
export { project, type Projection } from './projection';
export { schemaFields, type SchemaFields } from './schema-fields';
export {
  loadPolicyDirectory,
  messageFieldsOf,
  policyContext,
  readPolicySources,
} from './policy-loader';
export { runPolicyTest, runPolicyTests } from './policy-test-runner';
export type { PolicyTestDependencies, PolicyTestResult } from './policy-test-runner';
export { explainDecision, type FieldExplanation } from './explain';
export { checkPolicyDirectory, policyVersionOf } from './policy-check';
export type {
  PolicyCheck,
  PolicyCheckDependencies,
  PolicyCheckRequest,
  PolicyFileDigest,
  PolicyProblem,
  PolicyProblemCode,
} from './policy-check';
export {
  deliveryLimitProblems,
  deliveryRuleLimit,
  deliveryTextLimit,
  joinedGrounds,
} from './delivery-limits';
