import { describe, expect, it } from 'vitest';
import { defaultStepTasks, MAX_DEFAULT_STEP_TASKS, STEP_TASK_BYTES } from '../../src/core/step-tasks.js';
import { exactParams, resolveExactConfig } from '../../src/dedup/exact.js';
import { minhashParams, resolveMinhashConfig } from '../../src/dedup/minhash/config.js';

const MB = 1e6;

describe('task counts of the scale-out dedup steps', () => {
  it('default to the square root of the run’s task count, or one per 128 MiB of input where more, at most the run’s task count and 64', () => {
    expect(MAX_DEFAULT_STEP_TASKS).toBe(64);
    expect(STEP_TASK_BYTES).toBe(128 * 1024 * 1024);
    for (const [world, bytes, steps] of [
      [1, 0, 1],
      [2, 1000, 2],
      [4, 1000, 2],
      [6, 43 * MB, 3],
      [21, 172 * MB, 5],
      [123, 2 * MB, 12],
      [16, 16e9, 16],
      [128, 1e9, 12],
      [128, 4e9, 29],
      [1280, 10e9, 64],
    ] as const) {
      expect(defaultStepTasks(world, bytes), `${world} tasks, ${bytes} bytes`).toBe(steps);
    }
  });

  it("take the run's task count, up to 64, where the input's size is unknown", () => {
    for (const [world, steps] of [
      [2, 2],
      [61, 61],
      [64, 64],
      [65, 64],
      [12_800, 64],
    ] as const) {
      expect(defaultStepTasks(world), `${world} tasks`).toBe(steps);
      expect(resolveMinhashConfig(minhashParams.parse({}), world).tasks, `minhash, ${world} tasks`).toBe(steps);
      expect(resolveExactConfig(exactParams.parse({}), world).tasks, `exact, ${world} tasks`).toBe(steps);
    }
  });

  it("follow the runner's default, and `tasks` over it when the pipeline gives it, within each stage’s bounds", () => {
    expect(resolveMinhashConfig(minhashParams.parse({}), 21, 3).tasks).toBe(3);
    expect(resolveExactConfig(exactParams.parse({}), 21, 3).tasks).toBe(3);
    expect(resolveMinhashConfig(minhashParams.parse({ tasks: 300 }), 1000, 3).tasks).toBe(300);
    expect(resolveMinhashConfig(minhashParams.parse({ tasks: 300 }), 4).tasks).toBe(300);
    expect(resolveExactConfig(exactParams.parse({ tasks: 200 }), 1000, 7).tasks).toBe(200);
    expect(() => exactParams.parse({ tasks: 300 })).toThrow();
    // one task: streaming, a single index task
    expect(resolveExactConfig(exactParams.parse({}), 1).tasks).toBe(1);
    expect(resolveMinhashConfig(minhashParams.parse({}), 1).mode).toBe('streaming');
  });
});
