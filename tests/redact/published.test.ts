/**
 * The published cases from the issue (they follow datatrove's PII formatter tests), run through
 * the stage with the placeholders those tests use.
 */
import { describe, expect, it } from 'vitest';
import { redactStage } from '../../src/redact/redact.js';
import { doc, runStage, streamStage } from '../helpers/harness.js';

async function redact(text: string, params: Record<string, unknown> = {}): Promise<string> {
  const stage = await streamStage(redactStage, { placeholders: { email: 'EMAIL', ip: 'IP' }, ...params });
  const { kept } = await runStage(stage, [doc(text)]);
  expect(kept).toHaveLength(1);
  return kept[0]!.text;
}

describe('published cases', () => {
  it('replaces a public IPv4 address with IP', async () => {
    expect(await redact('163.36.107.25')).toBe('IP');
    expect(await redact('Server 163.36.107.25 answered.')).toBe('Server IP answered.');
  });

  it.each(['192.168.1.2', '10.0.0.1', '127.0.0.2', '999.999.999.999', '108.0.0.01'])('keeps %s', async (ip) => {
    expect(await redact(ip)).toBe(ip);
  });

  it('keeps the rest of the published IP list and redacts its valid public ones', async () => {
    const invalid = ['999.999.999.999.', '108.0.0.01', '0.1.2.3', '00.0000.00.00', '192.168.l.1', '912.456.123.123', '.3.3.3.0', '192.168.o.0'];
    const local = [
      '172.16.0.9',
      '172.16.4.1',
      '172.17.1.1',
      '127.0.0.2',
      '10.0.1.5',
      '10.0.0.1',
      '10.155.155.155',
      '10.255.255.254',
      '172.16.0.4',
      '172.16.0.1',
      '172.31.254.254',
      '192.168.1.2',
      '192.168.254.0',
    ];
    const valid = ['163.36.107.25', '114.35.103.54', '57.120.21.121', '13.83.69.70', '29.116.31.158', '193.163.229.23', '211.160.67.46', '4.132.211.142', '214.70.227.4', '35.88.121.75'];
    const input = [...invalid, ...local, ...valid].join('\n');
    const expected = [...invalid, ...local, ...valid.map(() => 'IP')].join('\n');
    expect(await redact(input)).toBe(expected);
  });

  it('replaces an email inside angle brackets', async () => {
    expect(await redact('Joe Smith <email@example.com>')).toBe('Joe Smith <EMAIL>');
  });

  it('redacts the SSN, phone and card examples', async () => {
    expect(await redact('My SSN is 284-89-3485.')).toBe('My SSN is <US_SSN>.');
    expect(await redact('(231) 232-2334')).toBe('<PHONE>');
    expect(await redact('4929-3813-3266-4295')).toBe('<CREDIT_CARD>');
  });

  it.each([
    ['Luhn-invalid card', '4929-3813-3266-4296'],
    ['ISBN-13', 'ISBN 978-3-16-148410-0'],
    ['ISBN-10', 'ISBN 0-306-40615-2'],
    ['ISO timestamp', '2023-10-12T10:20:30Z'],
    ['unix timestamp (ms)', 'at 1697040000123 ms'],
    ['UUID', '550e8400-e29b-41d4-a716-446655440000'],
    ['git SHA', 'commit 3f786850e387550fdab836ed7e6dc881de23001b'],
    ['semver', 'v1.2.3 and 10.4.17'],
    ['four-part version', 'version 4.0.30319.42000 and version 2.1.0.3'],
  ])('leaves a %s alone', async (_what, text) => {
    expect(await redact(text)).toBe(text);
  });
});
