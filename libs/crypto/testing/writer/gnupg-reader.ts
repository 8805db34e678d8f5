import type { GnupgHome, GpgResult } from '../gnupg-home';

/*
 * GnuPG 2.2 as the second independent reader of what the hub writes: the status lines of
 * `gpg --decrypt` and the packet listing of `gpg --list-packets`, parsed just enough to compare.
 */

/** The first status line with `keyword`, split on spaces; undefined when gpg wrote none. */
export function statusLine(result: GpgResult, keyword: string): string[] | undefined {
  return result.status.find((line) => line.split(' ')[0] === keyword)?.split(' ');
}

export function statusKeywords(result: GpgResult): string[] {
  return result.status.map((line) => line.split(' ')[0] ?? '');
}

/** One top-level or nested packet as `gpg --list-packets` shows it: its name and detail lines. */
export interface ListedPacket {
  /** e.g. `pubkey enc packet: version 3, algo 18, keyid 0123…` */
  readonly heading: string;
  readonly details: readonly string[];
}

/** Lists the packets of `message`, decrypting it with the secret keys in `home`. */
export async function listPackets(home: GnupgHome, message: Uint8Array): Promise<ListedPacket[]> {
  const { stdout } = await home.runOk(['--list-packets'], message);
  const packets: { heading: string; details: string[] }[] = [];
  for (const line of stdout.toString('utf8').split('\n')) {
    if (line.startsWith(':')) packets.push({ heading: line.slice(1), details: [] });
    else if (line.startsWith('\t')) packets.at(-1)?.details.push(line.trim());
  }
  return packets;
}
