import { describe, expect, it } from 'vitest';
import { decidingRule, isAllowed, parseRobots, productToken } from '../../src/fetch/robots.js';
import { parseRetryAfter, retryDecision } from '../../src/fetch/retry.js';

describe('robots.txt', () => {
  const txt = [
    '# comment',
    'User-agent: *',
    'Disallow: /private/',
    'Allow: /private/public',
    'Disallow: /*.pdf$',
    'Disallow: /search?q=',
    '',
    'User-agent: Sluice/2.0',
    'User-agent: otherbot',
    'Disallow: /only-for-sluice/',
    'Allow: /',
    '',
    'User-agent: sluice',
    'Disallow: /merged/',
    'Crawl-delay: 3',
  ].join('\n');

  it('uses the group naming the product token (groups merged), else *', () => {
    const mine = parseRobots(txt, 'sluice');
    expect(isAllowed(mine, '/private/x')).toBe(true);
    expect(isAllowed(mine, '/only-for-sluice/a')).toBe(false);
    expect(isAllowed(mine, '/merged/a')).toBe(false);
    expect(mine.crawlDelay).toBe(3);
    const other = parseRobots(txt, 'somebot');
    expect(isAllowed(other, '/private/x')).toBe(false);
    expect(isAllowed(other, '/only-for-sluice/a')).toBe(true);
  });

  it('longest match wins, allow wins a tie, * and $ work, /robots.txt is always allowed', () => {
    const r = parseRobots(txt, 'somebot');
    expect(isAllowed(r, '/private/public/page')).toBe(true);
    expect(decidingRule(r, '/private/public/page')?.pattern).toBe('/private/public');
    expect(isAllowed(r, '/docs/a.pdf')).toBe(false);
    expect(isAllowed(r, '/docs/a.pdf?x=1')).toBe(true);
    expect(isAllowed(r, '/search?q=cats')).toBe(false);
    expect(isAllowed(r, '/search')).toBe(true);
    const tie = parseRobots('User-agent: *\nDisallow: /a\nAllow: /a\n', 'x');
    expect(isAllowed(tie, '/a')).toBe(true);
    expect(isAllowed(parseRobots('User-agent: *\nDisallow: /\n', 'x'), '/robots.txt')).toBe(true);
  });

  it('empty disallow allows all; no matching group allows all; non-ASCII patterns match encoded paths', () => {
    expect(isAllowed(parseRobots('User-agent: *\nDisallow:\n', 'x'), '/a')).toBe(true);
    expect(isAllowed(parseRobots('User-agent: googlebot\nDisallow: /\n', 'sluice'), '/a')).toBe(true);
    expect(isAllowed(parseRobots('User-agent: *\nDisallow: /café\n', 'x'), new URL('http://h/café/x').pathname)).toBe(false);
  });

  it('product token of a User-Agent', () => {
    expect(productToken('Sluice/0.1 (+https://x)')).toBe('sluice');
    expect(productToken('my-bot')).toBe('my-bot');
  });
});

describe('retries', () => {
  const policy = { retries: 3, backoffMs: 1000, maxBackoffMs: 5000, maxRetryAfterMs: 60_000 };
  it('backs off exponentially with a cap, respects Retry-After, gives up', () => {
    const zero = (): number => 0;
    expect(retryDecision(true, 1, policy, undefined, zero)).toEqual({ retry: true, delayMs: 1000 });
    expect(retryDecision(true, 3, policy, undefined, zero)).toEqual({ retry: true, delayMs: 4000 });
    expect(retryDecision(true, 3, { ...policy, maxBackoffMs: 2500 }, undefined, zero)).toEqual({ retry: true, delayMs: 2500 });
    expect(retryDecision(true, 1, policy, 30_000, zero)).toEqual({ retry: true, delayMs: 30_000 });
    expect(retryDecision(true, 1, policy, 120_000, zero)).toEqual({ retry: false, why: 'retry_after_too_long' });
    expect(retryDecision(true, 4, policy)).toEqual({ retry: false, why: 'attempts_exhausted' });
    expect(retryDecision(false, 1, policy)).toEqual({ retry: false, why: 'not_retryable' });
  });

  it('reads Retry-After as seconds or an HTTP-date', () => {
    const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wednesday, 21-Oct-15 07:29:00 GMT', now)).toBe(60_000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});
