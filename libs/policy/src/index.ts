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
export { mergeFacts, readCaseFacts } from './case-facts';
export type { CaseFacts } from './case-facts';
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
