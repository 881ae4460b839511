import { afterEach, describe, expect, it } from 'vitest';
import { laneJitFlags } from '../../src/runner/jit-budget.js';

describe('laneJitFlags: a larger V8 interrupt budget when the lanes fill every core', () => {
  const saved = process.env['NODE_OPTIONS'];
  afterEach(() => {
    if (saved === undefined) delete process.env['NODE_OPTIONS'];
    else process.env['NODE_OPTIONS'] = saved;
  });

  it('leaves one lane, and lanes with a core to spare, as V8 sets them', () => {
    delete process.env['NODE_OPTIONS'];
    expect(laneJitFlags(1, 1)).toEqual([]);
    expect(laneJitFlags(1, 2)).toEqual([]);
    expect(laneJitFlags(2, 4)).toEqual([]);
    expect(laneJitFlags(8, 16)).toEqual([]);
  });

  it('gives the worker processes the flag when there are at least as many lanes as cores', () => {
    delete process.env['NODE_OPTIONS'];
    expect(laneJitFlags(2, 2)).toEqual(['--interrupt-budget=1048576']);
    expect(laneJitFlags(16, 8)).toEqual(['--interrupt-budget=1048576']);
  });

  it('keeps a budget the user set in NODE_OPTIONS', () => {
    process.env['NODE_OPTIONS'] = '--max-old-space-size=4096 --interrupt-budget=200000';
    expect(laneJitFlags(2, 2)).toEqual([]);
  });
});
