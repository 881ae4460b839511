/**
 * Hostile inputs for the redact stage: the patterns that make backtracking or unbounded matchers
 * slow (`a@a.a.` runs, long digit runs, one long word) and runs aimed at each matcher's trigger.
 * The property tests check that each completes with well-formed, idempotent output; `make bench`
 * times them at 1 and 4 MB.
 */
import { Prng } from '../../../src/redact/hash.js';
import { B64 } from './values.js';

/** A name and a generator of `length` characters of the pattern. */
export type HostileInput = readonly [name: string, make: (length: number) => string];

function repeat(unit: string): (length: number) => string {
  return (n) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
}

export const HOSTILE_INPUTS: readonly HostileInput[] = [
  ['a@a.a. run', repeat('a@a.a.')],
  ['digits', repeat('0123456789')],
  ['dots', repeat('.')],
  ['dashes', repeat('-')],
  ['base64-like', (n) => new Prng(1).chars(B64, n)],
  ['dotted digits 1.1.1.1.', repeat('1.1.1.1.')],
  ['dashed digits 1-1-1-', repeat('1-')],
  ['spaced digits 1 1 1', repeat('1 ')],
  ['colons', repeat(':')],
  ['hex groups 2001:', repeat('2001:')],
  ['key block headers', repeat('-----BEGIN PRIVATE KEY-----\n')],
  ['assignments password=', repeat('password=')],
  ['quoted assignments password="', repeat('password="')],
  ["quoted pairs 'token', ", repeat("'token', ")],
  ['xml <password>', repeat('<password>')],
  ['url credentials x://a:b@', repeat('x://a:b@')],
  ['encoded at signs a%40', repeat('a%40')],
  ['at signs', repeat('@')],
  ['jwt-like eyJhbGciOi.', repeat('eyJhbGciOi.')],
  ['one long word then @', (n) => 'a'.repeat(n - 1) + '@'],
  // the secret rule table's triggers: its regexes run only at keywords, so dense keywords are the worst case
  ['curl without credentials', repeat('curl -H x ')],
  ['secret rule keywords', repeat('api_key= token: AKCp xoxb- s.ab ey hvs. ghp_ sk- AIza akc ENV ')],
  ['dockerfile ENV', repeat('ENV A_TOKEN ')],
  ['discord-like MTk', repeat('MTk4NjIy.')],
  ['telegram-like 123456789:', repeat('123456789:')],
  ['slack-like xoxb-1234567890-', repeat('xoxb-1234567890-1234567890-')],
];
