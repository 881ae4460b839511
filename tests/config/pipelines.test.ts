import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPipeline } from '../../src/config/load.js';
import { pipelineJsonSchema } from '../../src/config/json-schema.js';
import { ROOT } from '../helpers/cli.js';

const dir = join(ROOT, 'pipelines');

describe('shipped pipelines', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));

  it('include default.yaml', () => {
    expect(files).toContain('default.yaml');
  });

  for (const f of files) {
    // loadPipeline, not parsePipeline: it loads the plugins a pipeline lists (plugin-example.yaml)
    it(`${f} is valid`, async () => {
      const { config } = await loadPipeline(join(dir, f));
      expect(config.inputs.length).toBeGreaterThan(0);
    });
  }

  it('sluice.schema.json is the schema the code generates (run `make schema` after changing a schema)', () => {
    const committed = JSON.parse(readFileSync(join(dir, 'sluice.schema.json'), 'utf8')) as unknown;
    expect(committed).toEqual(pipelineJsonSchema());
  });
});
