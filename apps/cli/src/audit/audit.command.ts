import type { Command } from 'commander';
import { registerAuditVerify } from './verify.command';

export function registerAuditCommands(program: Command): void {
  const audit = program
    .command('audit')
    .description(
      'The hub audit: every decision, rejection and policy version (hub operator, auditor).',
    );
  registerAuditVerify(audit);
}
