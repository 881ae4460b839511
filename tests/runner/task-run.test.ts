/**
 * Every task's run has one shape (runner/task.ts, taskRun): built from a leader's prepared run, a
 * worker's or a scheduler task's, with or without a task log, it has the same fields in the same
 * order, and nothing of the prepared run beyond what a task reads.
 */
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/log.js';
import { newProgress, taskRun, type TaskRun } from '../../src/runner/task.js';

describe('taskRun', () => {
  // the fields' values do not matter to the shape; stand-ins keep the test to what it checks
  const prepared = { layout: {}, loaded: {}, pipeline: {}, phases: [], units: [], world: 4, plan: { version: 1 }, extra: true } as unknown as Parameters<typeof taskRun>[0];
  const task = (rank: number, fileLog?: TaskRun['log']): Parameters<typeof taskRun>[1] => ({
    phase: { id: 'docs-0' } as TaskRun['phase'],
    rank,
    strict: false,
    log: silentLogger,
    signal: new AbortController().signal,
    progress: newProgress(),
    ...(fileLog ? { fileLog } : {}),
  });

  it('has the same fields in the same order with or without a task log, and no others', () => {
    const plain = taskRun(prepared, task(0));
    const logged = taskRun(plain, task(3, silentLogger));
    expect(Object.keys(plain)).toEqual(Object.keys(logged));
    expect(Object.keys(plain)).toEqual(['layout', 'loaded', 'pipeline', 'phases', 'phase', 'units', 'world', 'rank', 'strict', 'log', 'signal', 'progress', 'fileLog']);
    expect(logged.rank).toBe(3);
    expect(logged.world).toBe(4);
    expect(logged.fileLog).toBe(silentLogger);
    expect(plain.fileLog).toBeUndefined();
  });
});
