import { describe, expect, it } from 'vitest';
import type { Doc } from '../../src/core/doc.js';
import { routeWhere } from '../../src/core/route.js';
import { doc, fromArray } from '../helpers/harness.js';

async function collect(it: AsyncIterable<Doc>): Promise<string[]> {
  const out: string[] = [];
  for await (const d of it) out.push(d.id);
  return out;
}

const docs = (specs: [string, string][]): Doc[] => specs.map(([id, source]) => doc(`text of ${id}`, id, source));

describe('routeWhere', () => {
  it('sends only matching documents through the stage and keeps order around a 1:1 stage', async () => {
    const seen: string[] = [];
    const upper = async function* (it: AsyncIterable<Doc>): AsyncIterable<Doc> {
      for await (const d of it) {
        seen.push(d.id);
        if (d.id !== 'w3') yield { ...d, id: d.id.toUpperCase() };
      }
    };
    const routed = routeWhere(upper, (d) => d.source === 'web');
    const ids = await collect(
      routed(
        fromArray(
          docs([
            ['w1', 'web'],
            ['c1', 'code'],
            ['w2', 'web'],
            ['w3', 'web'],
            ['c2', 'code'],
            ['w4', 'web'],
          ]),
        ),
      ),
    );
    expect(seen).toEqual(['w1', 'w2', 'w3', 'w4']);
    expect(ids).toEqual(['W1', 'c1', 'W2', 'c2', 'W4']);
  });

  it('works with a stage that holds documents back until its input ends', async () => {
    const reverse = async function* (it: AsyncIterable<Doc>): AsyncIterable<Doc> {
      const all: Doc[] = [];
      for await (const d of it) all.push(d);
      yield* all.reverse();
    };
    const ids = await collect(
      routeWhere(
        reverse,
        (d) => d.source === 'web',
      )(
        fromArray(
          docs([
            ['w1', 'web'],
            ['c1', 'code'],
            ['w2', 'web'],
          ]),
        ),
      ),
    );
    expect(ids).toEqual(['c1', 'w2', 'w1']);
  });

  it('passes bypassed documents on as they arrive, without buffering them', async () => {
    let pulled = 0;
    async function* many(): AsyncIterable<Doc> {
      for (let i = 0; i < 100_000; i++) {
        pulled++;
        yield doc('x', `c${i}`, 'code');
      }
    }
    const identity = async function* (it: AsyncIterable<Doc>): AsyncIterable<Doc> {
      yield* it;
    };
    let bypassed = 0;
    const routed = routeWhere(
      identity,
      (d) => d.source === 'web',
      () => bypassed++,
    )(many());
    let n = 0;
    for await (const d of routed) {
      expect(pulled - n).toBeLessThanOrEqual(1);
      expect(d.id).toBe(`c${n}`);
      n++;
    }
    expect(n).toBe(100_000);
    expect(bypassed).toBe(100_000);
  });
});
