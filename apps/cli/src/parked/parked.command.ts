import type { Command } from 'commander';
import { cliSettings } from '../cli-settings';
import { ParkedMessages } from './parked-messages';

export function registerParkedCommands(program: Command): void {
  const parked = program
    .command('parked')
    .description(
      'Messages the hub parked because no Veilig Thuis serves the municipality (hub operator).',
    );
  parked
    .command('list')
    .description('List parked messages: ids, type, sender and reason, never their content.')
    .action(async () => {
      const messages = await new ParkedMessages(cliSettings()).list();
      const lines = messages.map(
        (message) =>
          `${message.messageId}  ${message.messageType}  from ${message.sender}  ${message.reason}  parked ${message.parkedAt}`,
      );
      process.stdout.write(`${lines.length > 0 ? lines.join('\n') : 'nothing parked'}\n`);
    });
  parked
    .command('release')
    .description(
      'Submit a parked message again, unchanged, once the registry (or the sender) has fixed its routing.',
    )
    .argument('<messageId>', 'the id of the parked message')
    .action(async (messageId: string) => {
      const released = await new ParkedMessages(cliSettings()).release(messageId);
      process.stdout.write(`released ${released.messageId} to ${released.sourceTopic}\n`);
    });
}
