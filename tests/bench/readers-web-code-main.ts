/**
 * Standalone web/code reader benchmark.
 *
 *   node --import tsx tests/bench/readers-web-code-main.ts [--full] [--web-mb 20] [--repos 20] [--files 50] [--scale 10] [--dir DIR]
 *
 * Default: 20 MB of WARC and 20 repositories x 50 files at 1x, ten times that at 10x (a few
 * minutes on 2 busy cores). --full: 100 MB and 100 repositories at 1x.
 */
import { parseArgs } from 'node:util';
import { numberFlag } from './number-flag.js';
import { report } from './report.js';
import { benchReadersWebCode } from './readers-web-code.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      full: { type: 'boolean', default: false },
      'web-mb': { type: 'string' },
      repos: { type: 'string' },
      files: { type: 'string' },
      scale: { type: 'string' },
      dir: { type: 'string' },
    },
  });
  const full = values.full === true;
  const rows = await benchReadersWebCode({
    webMb: numberFlag(values['web-mb'], full ? 100 : 20, 'web-mb'),
    codeRepos: numberFlag(values.repos, full ? 100 : 20, 'repos'),
    codeFilesPerRepo: numberFlag(values.files, 50, 'files'),
    scale: numberFlag(values.scale, 10, 'scale'),
    ...(values.dir === undefined ? {} : { dir: values.dir }),
  });
  report('readers-web-code', rows);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
