import { Inject, Injectable } from '@nestjs/common';
import { formatContractError } from '@samenloop/contracts';
import { readCorvZorgmelding } from '@samenloop/corv';
import type { ConnectorSettings } from '../config/connector-settings';
import { CONNECTOR_SETTINGS } from '../connector.tokens';
import type { DroppedFile, FileHandler, FileOutcome } from '../files/file-handler';
import {
  IdempotencyKeyReusedError,
  InvalidSubmissionError,
  SubmissionService,
} from '../submissions/submission.service';
import { submissionTraceparent } from '../submissions/traceparent';

/**
 * A CORV zorgmelding `Bericht` dropped in `CONNECTOR_CORV_INBOX`, submitted once per BerichtId:
 * a file handled again after a crash is recognised by its idempotency key `corv:<BerichtId>`.
 */
@Injectable()
export class CorvZorgmeldingHandler implements FileHandler {
  readonly kind = 'corv-zorgmelding';
  private readonly partnerOin: string;

  constructor(
    private readonly submissions: SubmissionService,
    @Inject(CONNECTOR_SETTINGS) private readonly settings: ConnectorSettings,
  ) {
    this.partnerOin = settings.source.replace(/^urn:nld:oin:/, '').split(':')[0] ?? '';
  }

  async handle(file: DroppedFile): Promise<FileOutcome> {
    const reading = await readCorvZorgmelding(file.bytes);
    if (!reading.ok) return { status: 'error', problems: reading.problems };
    // The connector signs as its own partner: a Bericht from another organisation is not its to send.
    if (reading.afzenderOin !== this.partnerOin) {
      return {
        status: 'error',
        problems: [
          `corv-zorgmelding /Bericht/Kop/Afzender: must be the OIN of ${this.settings.partnerId}, ${this.partnerOin}`,
        ],
      };
    }
    try {
      const outcome = await this.submissions.submit(
        reading.submission,
        `corv:${reading.berichtId}`,
        submissionTraceparent(undefined),
      );
      return {
        status: 'processed',
        summary: outcome.repeated ? { submitted: 0, repeated: 1 } : { submitted: 1, repeated: 0 },
        problems: [],
      };
    } catch (error) {
      if (error instanceof InvalidSubmissionError) {
        return { status: 'error', problems: error.errors.map(formatContractError) };
      }
      if (error instanceof IdempotencyKeyReusedError) {
        return {
          status: 'error',
          problems: [
            `corv-zorgmelding /Bericht/Kop/BerichtId: ${reading.berichtId} was used before for another Bericht; give each Bericht its own BerichtId`,
          ],
        };
      }
      throw error;
    }
  }
}
