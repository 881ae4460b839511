/**
 * Stage `redact`: replaces emails, IP addresses, phone numbers, card numbers, IBANs, US SSNs and
 * secrets in each document's text. Never drops a document; counts spans per kind; optionally
 * logs where each replacement landed (kind and offsets, never the value) in `meta.redactions`.
 */
import { z } from '../vendor/zod.js';
import type { JsonValue } from '../core/doc.js';
import { SluiceError } from '../core/errors.js';
import { defineStage, mapStage } from '../core/stage.js';
import { DEFAULT_PLACEHOLDERS, KINDS, type Kind, type KindSwitches } from './kinds.js';
import { type ReplacementMode, redactText } from './replace.js';
import { createDetector } from './scan.js';
import { BUILTIN_RULE_IDS, type RuleData, buildRuleSet, compileRegex, keywordProblem } from './secret-rules.js';

const kindSwitch = (kind: Kind) => z.boolean().default(true).describe(`redact ${kind}`);
const placeholder = (kind: Kind) => z.string().min(1).default(DEFAULT_PLACEHOLDERS[kind]).describe(`placeholder text for ${kind}`);

/**
 * Characters that could join a masked value to its neighbours and form a new match, and lone
 * surrogates (the masked text would not be valid UTF-8).
 */
const UNSAFE_MASK = /[\p{L}\p{N}\s@.:\-+/=_%<>"'`\\]|[\uD800-\uDFFF]/u;

/** A user's secret rule: a regex that runs where one of its keywords occurs. */
const userRule = z
  .object({
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'rule ids are lower-case letters, digits and . _ - (e.g. acme-api-token)')
      .refine((id) => !BUILTIN_RULE_IDS.has(id), { message: 'a built-in rule has this id: disable it and give yours another id' })
      .describe('rule id, reported as secret:<id> in stats and the span log'),
    regex: z
      .string()
      .min(1)
      .superRefine((source, ctx) => {
        try {
          compileRegex(source, 'gd', 'regex');
        } catch (e) {
          ctx.addIssue({ code: 'custom', message: (e as Error).message });
        }
      })
      .describe('JavaScript regular expression; the first capture group (or secret_group) is the secret, else the whole match'),
    keywords: z
      .array(
        z.string().superRefine((k, ctx) => {
          const problem = keywordProblem(k);
          if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
        }),
      )
      .min(1)
      .describe('the regex runs only near these (case-insensitive) keywords'),
    entropy: z.number().min(0).max(8).optional().describe('minimum Shannon entropy (bits per character) of the secret'),
    secret_group: z.number().int().min(0).optional().describe('capture group holding the secret (0: the whole match)'),
  })
  .strict();

const secretRules = z
  .object({
    disable: z
      .array(z.string().refine((id) => BUILTIN_RULE_IDS.has(id), { message: 'no built-in secret rule has this id (the list is in src/redact/README.md)' }))
      .default([])
      .describe('ids of built-in secret rules to switch off'),
    enable: z
      .array(z.string().refine((id) => BUILTIN_RULE_IDS.has(id), { message: 'no built-in secret rule has this id (the list is in src/redact/README.md)' }))
      .default([])
      .describe('ids of built-in secret rules that are off by default to switch on'),
    add: z.array(userRule).default([]).describe('your own rules (regex + keywords + entropy)'),
  })
  .strict()
  .prefault({})
  .describe('the secret rule table: gitleaks rules, detect-secrets ports and sluice context rules');

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
    span_log: z.boolean().default(false).describe('write meta.redactions = [{kind, start, end}] (offsets in the output text; secrets also carry their rule)'),
    secret_rules: secretRules,
  })
  .strict();

export type RedactParams = z.output<typeof redactParams>;

export const redactStage = defineStage({
  name: 'redact',
  summary: 'replace emails, IPs, phone numbers, card numbers, IBANs, US SSNs and secrets (placeholder, mask or fake)',
  params: redactParams,
  build(params) {
    const kinds: KindSwitches = params.kinds;
    const sel = params.secret_rules;
    const added = sel.add.map((r): RuleData => ({ id: r.id, regex: r.regex, keywords: r.keywords.map((k) => k.toLowerCase()), entropy: r.entropy, secretGroup: r.secret_group }));
    const custom = sel.disable.length > 0 || sel.enable.length > 0 || added.length > 0;
    const secretRules = custom ? buildRuleSet({ disable: sel.disable, enable: sel.enable, add: added }) : undefined;
    const detect = createDetector({ kinds, ipPublicOnly: params.ip_public_only, secretRules });
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
      manifest: {
        redact: {
          kinds: enabled,
          replacement: mode,
          ip_public_only: params.ip_public_only,
          // only a changed rule table is stated, so default manifests stay as they were
          ...(custom ? { secret_rules: { disabled: sel.disable, enabled: sel.enable, added: added.map((r) => r.id) } } : {}),
        },
      },
      run: mapStage((doc, stats) => {
        const result = redactText(doc.text, detect, options, doc.id);
        if (result.passes.length === 0) return;
        const perKind = new Map<Kind, number>();
        for (const s of result.spans) perKind.set(s.kind, (perKind.get(s.kind) ?? 0) + 1);
        for (const [kind, n] of perKind) stats.count(kind, n);
        // which rule found each secret: secret:<rule id>
        const perRule = new Map<string, number>();
        for (const s of result.spans) if (s.kind === 'secret') perRule.set(s.detector, (perRule.get(s.detector) ?? 0) + 1);
        for (const [rule, n] of perRule) stats.count(`secret:${rule}`, n);
        if (result.text !== doc.text) stats.modified();
        doc.text = result.text;
        if (params.span_log) {
          doc.meta['redactions'] = result.spans.map((s): JsonValue =>
            s.kind === 'secret' ? { kind: s.kind, rule: s.detector, start: s.start, end: s.end } : { kind: s.kind, start: s.start, end: s.end },
          );
        }
      }),
    };
  },
});
