import { describe, expect, it } from 'vitest';
import { describeType } from '../../src/core/describe-type.js';

describe('describeType', () => {
  it('names null, arrays and objects apart, each with the right article', () => {
    expect([null, [], {}, 1, 2n, 'x', true, undefined].map(describeType)).toEqual(['null', 'an array', 'an object', 'a number', 'a bigint', 'a string', 'a boolean', 'missing']);
  });

  it('names bytes and dates, which typeof calls objects', () => {
    expect(describeType(new Uint8Array(2))).toBe('binary');
    expect(describeType(new Date(0))).toBe('a date');
  });
});
