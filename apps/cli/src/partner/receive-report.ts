import { describeReceived, describeRefused, type Received } from './partner-client';

/**
 * What `partner receive` prints. In text, a line per document and per refused record. With
 * `--json`, stdout carries only documents the hub signed (what a script pipes on), and each
 * refused record goes to stderr as `{"refused": {partition, offset, reason}}` — never its content.
 */
export function receiveReport(
  partnerId: string,
  { documents, refused }: Received,
  json: boolean,
): { stdout: string; stderr: string } {
  if (json)
    return {
      stdout: documents.map((item) => `${JSON.stringify(item.document, null, 2)}\n`).join(''),
      stderr: refused.map((record) => `${JSON.stringify({ refused: record })}\n`).join(''),
    };
  const lines = [
    ...documents.map((item) => `${partnerId}: ${describeReceived(item)}`),
    ...refused.map((record) => `${partnerId}: ${describeRefused(record)}`),
  ];
  return {
    stdout: `${lines.length > 0 ? lines.join('\n') : `${partnerId}: nothing new`}\n`,
    stderr: '',
  };
}
