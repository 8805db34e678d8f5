import { CASE_STAGES } from '@samenloop/contracts';
import { PARTNER_KINDS } from '@samenloop/partners';
import { z } from 'zod';

const fieldPath = z
  .string()
  .regex(
    /^(\/([^/~]|~[01])+)+$/,
    'must be a field path such as /incident/omschrijving or /betrokkenen/*/rol',
  );

const ruleSchema = z
  .object({
    id: z
      .string()
      .regex(
        /^[a-z0-9][a-z0-9.-]{1,80}$/,
        'must be lower-case letters, digits, dots and dashes, e.g. zm.vt.inhoud',
      ),
    description: z.string().max(500).optional(),
    recipient: z
      .object({
        kind: z.enum(PARTNER_KINDS).optional(),
        id: z
          .string()
          .regex(/^[A-Z0-9]+(-[A-Z0-9]+)*$/)
          .optional(),
      })
      .strict()
      .refine((recipient) => (recipient.kind === undefined) !== (recipient.id === undefined), {
        message: 'must name either a partner kind or a partner id',
      }),
    messageType: z
      .string()
      .regex(
        /^nl\.samenloop\.[a-z][a-z-]{1,60}$/,
        'must be a message type such as nl.samenloop.zorgmelding',
      ),
    stages: z.array(z.enum(CASE_STAGES as [string, ...string[]])).min(1),
    when: z
      .object({
        domesticViolence: z.boolean().optional(),
        minorsInvolved: z.boolean().optional(),
        /** VT decided to involve the Raad voor de Kinderbescherming (or the Raad is involved). */
        raadBetrokken: z.boolean().optional(),
        /** The suspect concerned is an adult (3RO is adult probation; juveniles are the Raad's). */
        suspectAdult: z.boolean().optional(),
        /** The OM's decision imposes probation supervision or special conditions. */
        supervisionOrConditions: z.boolean().optional(),
        /** The recipient serves one of the household's municipalities the thread knows. */
        recipientServesMunicipality: z.literal(true).optional(),
        /** Only the partner that reported the case (sent its melding), e.g. for VT's feedback. */
        recipientReportedCase: z.literal(true).optional(),
        /** Only a partner that received something in the thread before, e.g. its closure. */
        recipientInThread: z.literal(true).optional(),
      })
      .strict()
      .optional(),
    /** Information-poor: the recipient learns that the message exists, with its ids, and nothing else. */
    notificationOnly: z.literal(true).optional(),
    /** The allowlist ("ten hoogste"): the only fields this rule lets through. */
    fields: z.array(fieldPath).max(200).optional(),
    /**
     * The sender's case references the recipient gets (e.g. zsmZaakId), to file the delivery in
     * its own system; none when absent. References are shared like fields: only when listed.
     */
    zaakReferenties: z.array(z.string().min(1).max(60)).max(10).optional(),
    /** What the recipient must at least receive ("ten minste"); must lie within `fields`. */
    minimum: z.array(fieldPath).max(200).optional(),
    purpose: z.string().min(1).max(200),
    legalBasis: z
      .object({ label: z.string().min(1).max(200), reference: z.string().min(1).max(200) })
      .strict(),
  })
  .strict()
  .superRefine((rule, context) => {
    if (rule.notificationOnly && (rule.fields || rule.minimum)) {
      context.addIssue({
        code: 'custom',
        path: ['fields'],
        message: 'a notification-only rule shares no fields',
      });
    }
    if (!rule.notificationOnly && !rule.fields?.length) {
      context.addIssue({
        code: 'custom',
        path: ['fields'],
        message: 'must list the allowed fields (or set notificationOnly: true)',
      });
    }
  });

export const policyFileSchema = z
  .object({
    policy: z
      .object({ name: z.string().min(1).max(100), description: z.string().max(2000).optional() })
      .strict(),
    rules: z.array(ruleSchema).min(1).max(1000),
  })
  .strict();

export type PolicyFile = z.infer<typeof policyFileSchema>;
export type PolicyRule = z.infer<typeof ruleSchema>;
