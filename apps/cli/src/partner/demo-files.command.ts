import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { XMLParser } from 'fast-xml-parser';
import { ConnectorFolder, OutboxWatch, type DropOutcome } from '@samenloop/partner-side';
import { freshCaseReferences } from './fresh-case-references';

/** A sample file and the connector inbox it goes to. */
interface Drop {
  readonly file: string;
  readonly inbox: string;
}

/** How long a connector may take over a sample file, and how long its deliveries may take after. */
const HANDLED_WITHIN_MS = 120_000;
const DELIVERED_WITHIN_MS = 30_000;
/** Outboxes quiet this long after a delivery: everything the file caused has arrived. */
const QUIET_MS = 3_000;

/**
 * `samenloop demo-files --drop <file>=<inbox> … --outbox <folder> …`: drops each sample file, in
 * order, into a running connector's inbox folder as a case system would (whole, under a temporary
 * name first), then shows where it went — processed/ or error/ with its report — and the files the
 * connectors wrote to their outboxes meanwhile. Each run's files name fresh case references and
 * message ids (the same across the files), so they make a case of their own.
 */
export function registerDemoFilesCommand(program: Command): void {
  const repeatable = (value: string, previous: string[]) => [...previous, value];
  program
    .command('demo-files')
    .description(
      "Drop sample files into running connectors' inbox folders and show where they went.",
    )
    .requiredOption(
      '--drop <file=inbox>',
      'a sample file and its inbox folder (repeatable)',
      repeatable,
      [],
    )
    .option('--outbox <folder>', "a connector's outbox folder to show (repeatable)", repeatable, [])
    .action(async (options: { drop: string[]; outbox: string[] }) => {
      const drops = options.drop.map(parseDrop);
      const out = (line: string) => process.stdout.write(`${line}\n`);
      // Latin-1 keeps every byte as it is (a Windows-1252 extract too); the references are ASCII.
      const samples = drops.map(({ file }) => readFileSync(file).toString('latin1'));
      const fresh = freshCaseReferences(samples, { messageIds: true });
      const outboxes = new OutboxWatch(options.outbox);
      // What arrives from earlier work (the demo's deliveries) is not this run's.
      await outboxes.arrivals({ quietMs: 1_000, timeoutMs: 1_000 });
      for (const [index, { file, inbox }] of drops.entries()) {
        const name = path.basename(file);
        out(`\n${name} → ${relative(inbox)}`);
        const dropped = await new ConnectorFolder(inbox).drop(
          name,
          Buffer.from(fresh(samples[index]!), 'latin1'),
        );
        const handled = await dropped.outcome({ timeoutMs: HANDLED_WITHIN_MS });
        out(describeOutcome(handled));
        if (handled.outcome === 'error') continue;
        const arrived = await outboxes.arrivals({
          quietMs: QUIET_MS,
          timeoutMs: DELIVERED_WITHIN_MS,
        });
        out(
          arrived.length === 0
            ? `  no outbox file within ${DELIVERED_WITHIN_MS / 1000} s`
            : arrived.map((arrival) => `  outbox: ${describeArrival(arrival)}`).join('\n'),
        );
      }
    });
}

function parseDrop(named: string): Drop {
  const [file, inbox] = named.split(/=(.*)/s);
  if (!file || !inbox) throw new Error(`--drop ${named}: expected <file>=<inbox folder>`);
  return { file, inbox };
}

function describeOutcome({ outcome, file, report }: DropOutcome): string {
  return [
    `  ${outcome}: ${relative(file)}`,
    `  report ${relative(file)}.report.txt:`,
    ...report
      .trimEnd()
      .split('\n')
      .map((line) => `    ${line}`),
  ].join('\n');
}

/** An outbox file by its path and what it is: the hub document's type and the message's type. */
function describeArrival(file: string): string {
  const text = readFileSync(file, 'utf8');
  const { type, messageType } = file.endsWith('.json') ? jsonItem(text) : aflevering(text);
  const what = [type, messageType?.replace('nl.samenloop.', '')].filter(Boolean).join(' ');
  return `${relative(file)} (${what})`;
}

interface ArrivalKind {
  readonly type?: string;
  readonly messageType?: string;
}

/** A JSON outbox file: the body the webhook posts (`GET /v1/ontvangen`'s item). */
function jsonItem(text: string): ArrivalKind {
  const { type, document } = JSON.parse(text) as {
    type?: string;
    document?: { messageType?: string };
  };
  return { type, messageType: document?.messageType };
}

/** An XML outbox file: an Aflevering (`schemas/corv/aflevering.v1.xsd`). */
function aflevering(text: string): ArrivalKind {
  const kop = (
    new XMLParser().parse(text) as {
      Aflevering?: { Kop?: { Soort?: string; Berichttype?: string } };
    }
  ).Aflevering?.Kop;
  return { type: kop?.Soort, messageType: kop?.Berichttype };
}

function relative(file: string): string {
  return path.relative(process.cwd(), file);
}
