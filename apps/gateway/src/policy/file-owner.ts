import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * Who last changed a policy, as far as the file system can tell: the owner of the policy file
 * written last, or of the folder when that changed last (a file removed). `fs.stat` knows a file's
 * owner, not who wrote it, so this is a lead for the auditor, not proof.
 */
export interface FileOwner {
  readonly uid: number;
  /** The owner's user name on the gateway's machine, when /etc/passwd names the uid. */
  readonly user: string | null;
  /** The file it was read from, `.` for the policy folder itself. */
  readonly file: string;
}

export function lastChangedBy(directory: string, files: readonly string[]): FileOwner | null {
  let latest: { file: string; uid: number; modified: number } | undefined;
  for (const file of ['.', ...files]) {
    try {
      const stat = statSync(path.join(directory, file));
      if (!latest || stat.mtimeMs > latest.modified)
        latest = { file, uid: stat.uid, modified: stat.mtimeMs };
    } catch {
      // Gone since it was read: the next change is checked again anyway.
    }
  }
  return latest ? { uid: latest.uid, user: userName(latest.uid), file: latest.file } : null;
}

function userName(uid: number): string | null {
  try {
    const entry = readFileSync('/etc/passwd', 'utf8')
      .split('\n')
      .map((line) => line.split(':'))
      .find((fields) => fields[2] === String(uid));
    return entry?.[0] || null;
  } catch {
    // No passwd file (e.g. Windows, or a container without one): the uid has to do.
    return null;
  }
}
