import path from 'node:path';
import type { Logger } from '@samenloop/observability';
import {
  InvalidPartnerKeyPinsError,
  PartnerKeyPins,
  readPinFileText,
  type PartnerRegistry,
} from '@samenloop/partners';
import { fileTextNow } from './file-text-now';

/**
 * The partner key pins as the pin file holds them now. Read on every use and parsed again when
 * the content changed, so a registration takes effect without a restart. A file that cannot be
 * read or is invalid is never applied: the last valid pins stay in force and the operator is
 * alerted once per problem.
 */
export class PartnerKeyPinsReader {
  private reportedProblem: string | undefined;

  private constructor(
    private readonly file: string,
    private readonly registry: PartnerRegistry,
    private readonly logger: Logger,
    /** The last valid pins and the text they were read from. */
    private known: { readonly text: string; readonly pins: PartnerKeyPins },
  ) {}

  /** At start-up the pin file must exist and be valid: there are no earlier pins to fall back on. */
  static async open(
    file: string,
    registry: PartnerRegistry,
    logger: Logger,
  ): Promise<PartnerKeyPinsReader> {
    const text = await readPinFileText(file);
    if (text === undefined)
      throw new PinFileProblem(
        `no partner key pins at ${file} (SAMENLOOP_PARTNER_KEYS_FILE): register each partner's key with \`npx samenloop partner register --id <ID> --key <file.asc>\` (development: \`npx samenloop keys generate\`)`,
      );
    return new PartnerKeyPinsReader(file, registry, logger, {
      text,
      pins: parsePins(text, file, registry),
    });
  }

  current(): PartnerKeyPins {
    const known = this.known;
    let text: string | undefined;
    try {
      text = fileTextNow(this.file);
    } catch (error) {
      return this.keep(known, `unreadable (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    if (text === undefined) return this.keep(known, 'missing');
    if (text === known.text) return known.pins;
    try {
      const pins = parsePins(text, this.file, this.registry);
      this.known = { text, pins };
      this.reportedProblem = undefined;
      this.logger.info({ pins: this.file }, 'partner key pins changed: the new pins apply now');
      return pins;
    } catch (error) {
      if (!(error instanceof PinFileProblem)) throw error;
      return this.keep(known, error.message);
    }
  }

  private keep(known: { readonly pins: PartnerKeyPins }, problem: string): PartnerKeyPins {
    if (this.reportedProblem !== problem) {
      this.reportedProblem = problem;
      this.logger.error(
        { alert: 'invalid-partner-key-pins', pins: this.file, problem },
        'the partner key pins are not applied: the last valid pins stay in force until the file is fixed',
      );
    }
    return known.pins;
  }
}

function parsePins(text: string, file: string, registry: PartnerRegistry): PartnerKeyPins {
  try {
    return PartnerKeyPins.fromYaml(text, path.basename(file), registry);
  } catch (error) {
    if (error instanceof InvalidPartnerKeyPinsError)
      throw new PinFileProblem(`${file}: ${error.problems.join('; ')}`);
    throw error;
  }
}

/** What is wrong with the pin file, in words for the operator; fingerprints and ids only. */
export class PinFileProblem extends Error {
  override readonly name = 'PinFileProblem';
}
