import type { Command } from 'commander';
import { registerAuditVerify } from './verify.command';
import { registerWhoReceivedCommand } from './who-received.command';

export function registerAuditCommands(program: Command): void {
  const audit = program
    .command('audit')
    .description(
      'The hub audit: every decision, delivery, rejection and policy version (hub operator, auditor).',
    );
  registerAuditVerify(audit);
  registerWhoReceivedCommand(audit);
}
