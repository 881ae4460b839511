import { describe, expect, it } from 'vitest';
import { exactParams, resolveExactConfig } from '../../src/dedup/exact.js';
import { MAX_DEFAULT_STEP_TASKS, minhashParams, resolveMinhashConfig } from '../../src/dedup/minhash/config.js';

describe('task counts of the scale-out dedup steps', () => {
  it("default to the run's task count, up to 64: a step's fixed cost grows with the square of its tasks", () => {
    expect(MAX_DEFAULT_STEP_TASKS).toBe(64);
    for (const [world, steps] of [
      [2, 2],
      [61, 61],
      [64, 64],
      [65, 64],
      [244, 64],
      [12_800, 64],
    ] as const) {
      expect(resolveMinhashConfig(minhashParams.parse({}), world).tasks, `minhash, ${world} tasks`).toBe(steps);
      expect(resolveExactConfig(exactParams.parse({}), world).tasks, `exact, ${world} tasks`).toBe(steps);
    }
  });

  it('follow `tasks` when the pipeline gives it, within each stage’s bounds', () => {
    expect(resolveMinhashConfig(minhashParams.parse({ tasks: 300 }), 1000).tasks).toBe(300);
    expect(resolveMinhashConfig(minhashParams.parse({ tasks: 300 }), 4).tasks).toBe(300);
    expect(resolveExactConfig(exactParams.parse({ tasks: 200 }), 1000).tasks).toBe(200);
    expect(() => exactParams.parse({ tasks: 300 })).toThrow();
    // one task: streaming, a single index task
    expect(resolveExactConfig(exactParams.parse({}), 1).tasks).toBe(1);
    expect(resolveMinhashConfig(minhashParams.parse({}), 1).mode).toBe('streaming');
  });
});
