/**
 * CSV as Dutch spreadsheet exports write it: `;`-separated, CRLF line ends, a cell quoted (RFC
 * 4180) only when it needs to be.
 */
export function csvText(lines: readonly (readonly string[])[]): string {
  return lines.map((cells) => cells.map(quoted).join(';')).join('\r\n') + '\r\n';
}

const quoted = (cell: string) => (/[;"\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell);
