/**
 * Stage `redact`: replaces emails, IP addresses, phone numbers, card numbers, IBANs, US SSNs and
 * secrets in each document's text. Never drops a document; counts spans per kind; optionally
 * logs where each replacement landed (kind and offsets, never the value) in `meta.redactions`.
 */
import { z } from 'zod';
import type { JsonValue } from '../core/doc.js';
import { SluiceError } from '../core/errors.js';
import { defineStage, mapStage } from '../core/stage.js';
import { DEFAULT_PLACEHOLDERS, KINDS, type Kind, type KindSwitches } from './kinds.js';
import { type ReplacementMode, redactText } from './replace.js';
import { createDetector } from './scan.js';

const kindSwitch = (kind: Kind) => z.boolean().default(true).describe(`redact ${kind}`);
const placeholder = (kind: Kind) => z.string().min(1).default(DEFAULT_PLACEHOLDERS[kind]).describe(`placeholder text for ${kind}`);

/**
 * Characters that could join a masked value to its neighbours and form a new match, and lone
 * surrogates (the masked text would not be valid UTF-8).
 */
const UNSAFE_MASK = /[\p{L}\p{N}\s@.:\-+/=_%<>"'`\\]|[\uD800-\uDFFF]/u;

export const redactParams = z
  .object({
    kinds: z
      .object({
        email: kindSwitch('email'),
        ip: kindSwitch('ip'),
        phone: kindSwitch('phone'),
        credit_card: kindSwitch('credit_card'),
        iban: kindSwitch('iban'),
        us_ssn: kindSwitch('us_ssn'),
        secret: kindSwitch('secret'),
      })
      .strict()
      .prefault({})
      .describe('which kinds to redact (all on by default)'),
    replacement: z.enum(['placeholder', 'mask', 'fake']).default('placeholder').describe('placeholder | mask | fake'),
    placeholders: z
      .object({
        email: placeholder('email'),
        ip: placeholder('ip'),
        phone: placeholder('phone'),
        credit_card: placeholder('credit_card'),
        iban: placeholder('iban'),
        us_ssn: placeholder('us_ssn'),
        secret: placeholder('secret'),
      })
      .strict()
      .prefault({})
      .describe('replacement text per kind in placeholder mode'),
    mask_char: z
      .string()
      .default('*')
      .refine((s) => s.length === 1 && !UNSAFE_MASK.test(s), {
        message: 'mask_char must be one character that is not a letter, digit, space or one of @.:-+/=_%<>"\'`\\ (e.g. * or #)',
      })
      .describe('mask mode: the character each redacted character becomes'),
    ip_public_only: z.boolean().default(true).describe('redact only public IP addresses (private, loopback and documentation ranges stay)'),
    seed: z.string().default('').describe('fake mode: key for the hash that picks fake values (keep it private to stop guessing)'),
    span_log: z.boolean().default(false).describe('write meta.redactions = [{kind, start, end}] (offsets in the output text)'),
  })
  .strict();

export type RedactParams = z.output<typeof redactParams>;

export const redactStage = defineStage({
  name: 'redact',
  summary: 'replace emails, IPs, phone numbers, card numbers, IBANs, US SSNs and secrets (placeholder, mask or fake)',
  params: redactParams,
  build(params) {
    const kinds: KindSwitches = params.kinds;
    const detect = createDetector({ kinds, ipPublicOnly: params.ip_public_only });
    // a placeholder a detector would find again would break idempotence
    for (const kind of KINDS) {
      const text = params.placeholders[kind];
      if (params.replacement === 'placeholder' && detect(` ${text} `).length > 0) {
        throw new SluiceError('SLUICE_CONFIG_INVALID', `redact placeholder for ${kind} (${JSON.stringify(text)}) is itself detected as a value to redact`, {
          path: `redact.placeholders.${kind}`,
          hint: 'use a placeholder without digits, @ or key prefixes, e.g. <EMAIL>',
        });
      }
    }
    const mode: ReplacementMode = params.replacement;
    const options = { mode, placeholders: params.placeholders, maskChar: params.mask_char, seed: params.seed };
    const enabled = KINDS.filter((k) => kinds[k]);
    return {
      kind: 'stream',
      manifest: { redact: { kinds: enabled, replacement: mode, ip_public_only: params.ip_public_only } },
      run: mapStage((doc, stats) => {
        const result = redactText(doc.text, detect, options, doc.id);
        if (result.passes.length === 0) return;
        const perKind = new Map<Kind, number>();
        for (const s of result.spans) perKind.set(s.kind, (perKind.get(s.kind) ?? 0) + 1);
        for (const [kind, n] of perKind) stats.count(kind, n);
        if (result.text !== doc.text) stats.modified();
        doc.text = result.text;
        if (params.span_log) {
          doc.meta['redactions'] = result.spans.map((s): JsonValue => ({ kind: s.kind, start: s.start, end: s.end }));
        }
      }),
    };
  },
});
