import { Command } from 'commander';
import { StartupError } from '@samenloop/errors';
import { registerAclCommands } from './acl/acl.command';
import { registerAuditCommands } from './audit/audit.command';
import { registerKeysCommands } from './keys/keys.command';
import { registerDemoCommand } from './partner/demo.command';
import { registerDemoFilesCommand } from './partner/demo-files.command';
import { registerParkedCommands } from './parked/parked.command';
import { registerPartnerCommands } from './partner/partner.command';
import { registerPolicyCommands } from './policy/policy.command';
import { registerValidateCommand } from './validate/validate.command';
import { registerZsmDeadlineCommand } from './zsm/zsm-deadline.command';

const program = new Command('samenloop')
  .description('Samenloop command line: tools for partners, policy owners and hub operators.')
  .showHelpAfterError();
registerValidateCommand(program);
registerPolicyCommands(program);
registerKeysCommands(program);
registerPartnerCommands(program);
registerDemoCommand(program);
registerDemoFilesCommand(program);
registerZsmDeadlineCommand(program);
registerParkedCommands(program);
registerAuditCommands(program);
registerAclCommands(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  // Settings that name what to fix are shown as they are; a command's own failure in one line.
  process.stderr.write(
    error instanceof StartupError
      ? `${error.message}\n`
      : `samenloop: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exitCode = 1;
});
