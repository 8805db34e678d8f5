import type { Command } from 'commander';
import { registerWhoReceivedCommand } from './who-received.command';

export function registerAuditCommands(program: Command): void {
  const audit = program
    .command('audit')
    .description('Questions to the audit of every decision and delivery (hub operator).');
  registerWhoReceivedCommand(audit);
}
