import type { Delivery } from './generated/contract-types';
import { SCHEMA_CATALOGUE } from './generated/schema-catalogue';

/** A case's stage (fase), as the common schema defines it. */
export type CaseStage = NonNullable<Delivery['caseThread']>['fase'];

function stagesFromSchema(): readonly CaseStage[] {
  const common = SCHEMA_CATALOGUE.find((entry) => entry.name === 'common')?.document as
    { $defs: { fase: { enum: CaseStage[] } } } | undefined;
  if (!common) throw new Error('the common schema is not in the catalogue');
  return Object.freeze([...common.$defs.fase.enum]);
}

/** Every stage, in the order of the schema's enum. */
export const CASE_STAGES: readonly CaseStage[] = stagesFromSchema();

export function isCaseStage(value: string): value is CaseStage {
  return (CASE_STAGES as readonly string[]).includes(value);
}
