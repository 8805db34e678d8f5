import type { Command } from 'commander';
import { cliSettings } from '../cli-settings';
import { ParkedMessages } from './parked-messages';

export function registerParkedCommands(program: Command): void {
  const parked = program
    .command('parked')
    .description(
      'Messages the hub parked, or whose part for Veilig Thuis it holds, because no Veilig Thuis can be determined from the municipality (hub operator).',
    );
  parked
    .command('list')
    .description('List parked messages: ids, type, sender and reason, never their content.')
    .action(async () => {
      const messages = await new ParkedMessages(cliSettings()).list();
      const lines = messages.map(
        (message) =>
          `${message.messageId}  ${message.messageType}  from ${message.sender}  ${message.reason}  ${
            message.scope === 'vt'
              ? `part for Veilig Thuis only, in ${message.caseKey ?? '?'}`
              : 'whole message'
          }  parked ${message.parkedAt}`,
      );
      process.stdout.write(`${lines.length > 0 ? lines.join('\n') : 'nothing parked'}\n`);
    });
  parked
    .command('release')
    .description(
      'Submit a parked message again, unchanged, once the registry (or the sender) has fixed its routing; of a message whose part for Veilig Thuis is held, only that part is routed.',
    )
    .argument('<messageId>', 'the id of the parked message')
    .action(async (messageId: string) => {
      const released = await new ParkedMessages(cliSettings()).release(messageId);
      process.stdout.write(`released ${released.messageId} to ${released.sourceTopic}\n`);
    });
}
