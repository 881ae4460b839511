/**
 * The `redact` stage end to end: replacement modes, fake values from reserved ranges,
 * idempotence, the span log, per-kind counters and configuration errors.
 */
import { describe, expect, it } from 'vitest';
import { isSluiceError } from '../../src/core/errors.js';
import { luhnValid } from '../../src/redact/card.js';
import { ibanChecksumValid } from '../../src/redact/iban.js';
import { redactStage } from '../../src/redact/redact.js';
import { buildStage, doc, runStage, streamStage } from '../helpers/harness.js';

const PEM_BODY = [
  'MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun',
  'VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK',
  'LxoS2tFczGkPLPgizskuemMghRniWaoLcyehkd3qqGElvW/VDL5AaWTg0nLVkjRo',
].join('\n');

const SAMPLE = [
  'Contact Maria Garcia <maria.garcia@acme-corp.com> or call (231) 232-2334 / +44 20 7946 0958.',
  'Login from 163.36.107.25 and 2606:4700:4700::1111; router 192.168.1.1 is private.',
  'Card 4929-3813-3266-4295, IBAN DE75 5121 0800 1245 1261 99, SSN 284-89-3485.',
  'export GITHUB_TOKEN=ghp_16C7e42F292c6912E7710c838347Ae178B4a',
  'DATABASE_URL=postgres://app:Tr0ub4dor-3x@db.internal:5432/app',
  'DB_PASSWORD="8f3kQ9zLx2pW!"',
  `-----BEGIN RSA PRIVATE KEY-----\n${PEM_BODY}\n-----END RSA PRIVATE KEY-----`,
  'Naïve café ☕ 日本語 😀 stays as it is.',
].join('\n');

const VALUES = [
  'maria.garcia@acme-corp.com',
  '(231) 232-2334',
  '+44 20 7946 0958',
  '163.36.107.25',
  '2606:4700:4700::1111',
  '4929-3813-3266-4295',
  'DE75 5121 0800 1245 1261 99',
  '284-89-3485',
  'ghp_16C7e42F292c6912E7710c838347Ae178B4a',
  'Tr0ub4dor-3x',
  '8f3kQ9zLx2pW!',
  PEM_BODY,
];

async function run(text: string, params: Record<string, unknown> = {}, id = 'doc-1') {
  const stage = await streamStage(redactStage, params);
  const result = await runStage(stage, [doc(text, id)], 'redact');
  expect(result.kept).toHaveLength(1);
  expect(result.rejected).toHaveLength(0);
  return { out: result.kept[0]!, counts: result.stats.stats.stages['redact']! };
}

describe('placeholder mode', () => {
  it('replaces every value and nothing else', async () => {
    const { out, counts } = await run(SAMPLE);
    for (const v of VALUES) expect(out.text).not.toContain(v);
    expect(out.text).toContain('Contact Maria Garcia <<EMAIL>> or call <PHONE> / <PHONE>.');
    expect(out.text).toContain('Login from <IP_ADDRESS> and <IP_ADDRESS>; router 192.168.1.1 is private.');
    expect(out.text).toContain('Card <CREDIT_CARD>, IBAN <IBAN>, SSN <US_SSN>.');
    expect(out.text).toContain('export GITHUB_TOKEN=<SECRET>\nDATABASE_URL=postgres://app:<SECRET>@db.internal:5432/app\nDB_PASSWORD="<SECRET>"');
    expect(out.text).toContain('-----BEGIN RSA PRIVATE KEY-----\n<SECRET>\n-----END RSA PRIVATE KEY-----');
    expect(out.text).toContain('Naïve café ☕ 日本語 😀 stays as it is.');
    expect(counts.counters).toEqual({
      email: 1,
      phone: 2,
      ip: 2,
      credit_card: 1,
      iban: 1,
      us_ssn: 1,
      secret: 4,
      // one counter per secret rule that fired
      'secret:assigned_secret': 1,
      'secret:github_token': 1,
      'secret:pem_private_key': 1,
      'secret:url_password': 1,
    });
    expect(counts.modified).toBe(1);
  });

  it('uses per-kind placeholders', async () => {
    const { out } = await run('mail a.b@acme.io from 163.36.107.25', { placeholders: { email: '[email]', ip: '[ip]' } });
    expect(out.text).toBe('mail [email] from [ip]');
  });

  it('leaves a document without values untouched and does not count it as modified', async () => {
    const text = 'Nothing to see: version 1.2.3, 2023-10-12, 192.168.0.1.';
    const { out, counts } = await run(text);
    expect(out.text).toBe(text);
    expect(counts.modified).toBe(0);
    expect(counts.counters).toEqual({});
    expect(out.meta).toEqual({});
  });
});

describe('kind switches and IP scope', () => {
  it('redacts only the kinds switched on', async () => {
    const { out } = await run(SAMPLE, { kinds: { email: false, phone: false, secret: false } });
    expect(out.text).toContain('maria.garcia@acme-corp.com');
    expect(out.text).toContain('(231) 232-2334');
    expect(out.text).toContain('ghp_16C7e42F292c6912E7710c838347Ae178B4a');
    expect(out.text).not.toContain('163.36.107.25');
    expect(out.text).not.toContain('4929-3813-3266-4295');
  });

  it('redacts private addresses with ip_public_only: false, but never documentation ranges', async () => {
    const { out } = await run('lan 192.168.1.2, lo 127.0.0.1, ll fe80::1ff:fe23:4567:890a, doc 192.0.2.7 and 2001:db8::5', { ip_public_only: false });
    expect(out.text).toBe('lan <IP_ADDRESS>, lo <IP_ADDRESS>, ll <IP_ADDRESS>, doc 192.0.2.7 and 2001:db8::5');
  });
});

describe('mask mode', () => {
  it('keeps lengths and line breaks', async () => {
    const { out } = await run(SAMPLE, { replacement: 'mask', mask_char: '#' });
    expect(out.text.length).toBe(SAMPLE.length);
    expect(out.text.split('\n').length).toBe(SAMPLE.split('\n').length);
    expect(out.text).toContain('Contact Maria Garcia <##########################> or call ############## / ################.');
    for (const v of VALUES) expect(out.text).not.toContain(v);
  });

  it('rejects a mask character that could join neighbours into a new match', async () => {
    for (const bad of ['1', 'a', '.', '-', '@', '**', ' ', '\uD800', '😀']) {
      expect(() => redactStage.params.parse({ replacement: 'mask', mask_char: bad })).toThrow(/mask_char/);
    }
  });
});

describe('fake mode', () => {
  it('writes format-valid values from reserved ranges, keeping layouts', async () => {
    const { out } = await run(SAMPLE, { replacement: 'fake', span_log: true });
    for (const v of VALUES) expect(out.text).not.toContain(v);
    const spans = out.meta['redactions'] as { kind: string; start: number; end: number }[];
    const fakes = spans.map((s) => ({ kind: s.kind, value: out.text.slice(s.start, s.end) }));
    const of = (kind: string): string[] => fakes.filter((f) => f.kind === kind).map((f) => f.value);
    expect(of('email')[0]).toMatch(/^user\.[0-9a-f]{6}@example\.(?:com|org|net)$/);
    expect(of('ip')[0]).toMatch(/^(?:192\.0\.2|198\.51\.100|203\.0\.113)\.\d{1,3}$/);
    expect(of('ip')[1]).toMatch(/^2001:db8::[0-9a-f]{1,4}:[0-9a-f]{1,4}$/);
    const [nanp, uk] = of('phone');
    expect(nanp).toMatch(/^\([2-9]\d\d\) 555-01\d\d$/);
    expect(uk).toMatch(/^\+44 \d\d \d555 01\d\d$/);
    const card = of('credit_card')[0]!;
    expect(card).toMatch(/^\d{4}-\d{4}-\d{4}-\d{4}$/);
    expect(luhnValid(card.replace(/-/g, ''))).toBe(true);
    const iban = of('iban')[0]!;
    expect(iban).toMatch(/^DE\d\d(?: [0-9A-Z]{4}){4} [0-9A-Z]{2}$/);
    expect(ibanChecksumValid(iban.replace(/ /g, ''))).toBe(true);
    expect(of('us_ssn')[0]).toMatch(/^987-65-432\d$/);
    const secrets = of('secret');
    expect(secrets[0]).toMatch(/^ghp_EXAMPLE[A-Za-z0-9]{29}$/);
    expect(secrets.slice(1, 3).every((s) => s.startsWith('EXAMPLE'))).toBe(true);
    expect(secrets[3]).toBe('EXAMPLEKEY');
  });

  it('maps the same value to the same fake within a document, differently across documents and seeds', async () => {
    const text = 'a maria@acme.io b maria@acme.io c li@acme.io';
    const one = (await run(text, { replacement: 'fake' }, 'doc-1')).out.text;
    const again = (await run(text, { replacement: 'fake' }, 'doc-1')).out.text;
    const other = (await run(text, { replacement: 'fake' }, 'doc-2')).out.text;
    const seeded = (await run(text, { replacement: 'fake', seed: 'private' }, 'doc-1')).out.text;
    const [x, y, z] = one.match(/user\.[0-9a-f]{6}@example\.\w+/g)!;
    expect(x).toBe(y);
    expect(z).not.toBe(x);
    expect(again).toBe(one);
    expect(other).not.toBe(one);
    expect(seeded).not.toBe(one);
  });
});

describe('idempotence', () => {
  it.each([
    ['placeholder', {}],
    ['mask', { replacement: 'mask' }],
    ['fake', { replacement: 'fake' }],
    ['custom placeholders', { placeholders: { email: 'EMAIL', ip: 'IP', secret: '[REDACTED]' } }],
  ])('%s: a second run changes nothing and counts nothing', async (_mode, params) => {
    const first = (await run(SAMPLE, params)).out.text;
    const second = await run(first, params);
    expect(second.out.text).toBe(first);
    expect(second.counts.counters).toEqual({});
    expect(second.counts.modified).toBe(0);
  });
});

describe('span log', () => {
  it('records kind and output offsets, never the value', async () => {
    const { out } = await run(SAMPLE, { span_log: true });
    const spans = out.meta['redactions'] as { kind: string; start: number; end: number }[];
    expect(spans).toHaveLength(12);
    for (const s of spans) {
      // secrets also name the rule that found them (never the value)
      expect(Object.keys(s).sort()).toEqual(s.kind === 'secret' ? ['end', 'kind', 'rule', 'start'] : ['end', 'kind', 'start']);
      expect(out.text.slice(s.start, s.end)).toMatch(/^<[A-Z_]+>$/);
    }
    const meta = JSON.stringify(out.meta);
    for (const v of VALUES) expect(meta).not.toContain(v);
  });

  it('is off by default', async () => {
    const { out } = await run(SAMPLE);
    expect(out.meta['redactions']).toBeUndefined();
  });
});

describe('configuration', () => {
  it('rejects unknown keys', () => {
    expect(() => redactStage.params.parse({ kinds: { emails: true } })).toThrow();
    expect(() => redactStage.params.parse({ mode: 'mask' })).toThrow();
  });

  it('rejects a placeholder the detectors would find again', async () => {
    expect.assertions(3);
    try {
      await buildStage(redactStage, { placeholders: { ip: '8.26.56.26' } });
    } catch (err) {
      expect(isSluiceError(err)).toBe(true);
      if (isSluiceError(err)) {
        expect(err.code).toBe('SLUICE_CONFIG_INVALID');
        expect(err.path).toBe('redact.placeholders.ip');
      }
    }
  });

  it('states its kinds and mode in the manifest', async () => {
    const built = await buildStage(redactStage, { replacement: 'fake', kinds: { iban: false } });
    expect(built.manifest).toEqual({ redact: { kinds: ['email', 'ip', 'phone', 'credit_card', 'us_ssn', 'secret'], replacement: 'fake', ip_public_only: true } });
  });
});
