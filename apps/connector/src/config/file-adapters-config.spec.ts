import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileAdaptersOf } from './file-adapters-config';

function site(): {
  root: string;
  folder: (name: string) => string;
  file: (name: string) => string;
} {
  const root = mkdtempSync(path.join(tmpdir(), 'file-adapters-config-'));
  return {
    root,
    folder: (name) => {
      mkdirSync(path.join(root, name));
      return path.join(root, name);
    },
    file: (name) => {
      writeFileSync(path.join(root, name), 'kolommen: {}\n');
      return path.join(root, name);
    },
  };
}

function parsed(env: Record<string, string>): {
  adapters: ReturnType<typeof fileAdaptersOf>;
  problems: string[];
} {
  const problems: string[] = [];
  return { adapters: fileAdaptersOf(env, problems), problems };
}

describe(fileAdaptersOf.name, () => {
  it('turns every adapter off when nothing is set', () => {
    expect(parsed({})).toEqual({ adapters: {}, problems: [] });
  });

  it('parses every adapter with absolute folders and the defaults for encoding and format', () => {
    const { root, folder, file } = site();
    const { adapters, problems } = parsed({
      CONNECTOR_CORV_INBOX: folder('corv-in'),
      CONNECTOR_ZSM_INBOX: folder('zsm-in'),
      CONNECTOR_ZSM_COLUMN_MAP: file('zsm.yaml'),
      CONNECTOR_ZSM_ENCODING: 'windows-1252',
      CONNECTOR_EXPORT_INBOX: folder('export-in'),
      CONNECTOR_OUTBOX: folder('outbox'),
      CONNECTOR_OUTBOX_FORMAT: 'xml',
    });

    expect(problems).toEqual([]);
    expect(adapters).toEqual({
      corvInbox: path.join(root, 'corv-in'),
      zsmExtract: {
        inbox: path.join(root, 'zsm-in'),
        columnMapFile: path.join(root, 'zsm.yaml'),
        encoding: 'windows-1252',
      },
      export: { inbox: path.join(root, 'export-in'), encoding: 'auto' },
      outbox: { directory: path.join(root, 'outbox'), format: 'xml' },
    });
  });

  it('names every problem at once: missing folders, a file for a folder, a missing map, bad choices, webhook and outbox together', () => {
    const { root, file } = site();
    const { problems } = parsed({
      CONNECTOR_CORV_INBOX: path.join(root, 'does-not-exist'),
      CONNECTOR_ZSM_INBOX: file('not-a-folder'),
      CONNECTOR_ZSM_ENCODING: 'latin-9',
      CONNECTOR_EXPORT_INBOX: root,
      CONNECTOR_EXPORT_CSV_MAP: path.join(root, 'missing.yaml'),
      CONNECTOR_OUTBOX: root,
      CONNECTOR_OUTBOX_FORMAT: 'pdf',
      CONNECTOR_WEBHOOK_URL: 'https://zaaksysteem.test/hook',
    });

    expect(problems).toEqual([
      expect.stringMatching(/^CONNECTOR_CORV_INBOX: .*does-not-exist is missing or not writable/),
      expect.stringMatching(/^CONNECTOR_ZSM_INBOX: .*not-a-folder is not a folder$/),
      expect.stringMatching(/^CONNECTOR_ZSM_ENCODING: must be one of auto, utf-8, windows-1252$/),
      expect.stringMatching(/^CONNECTOR_ZSM_COLUMN_MAP: is required with CONNECTOR_ZSM_INBOX/),
      expect.stringMatching(/^CONNECTOR_EXPORT_CSV_MAP: .*missing\.yaml is missing or unreadable$/),
      'CONNECTOR_OUTBOX_FORMAT: must be one of json, xml',
      expect.stringMatching(
        /^CONNECTOR_OUTBOX: set either CONNECTOR_WEBHOOK_URL or CONNECTOR_OUTBOX/,
      ),
    ]);
  });
});
