/**
 * Replaces dist/vendor/<package>.js (tsc's `export * from '<package>'`, one per file in src/vendor/)
 * by the package bundled into one ES module, with the same named exports: Node 20's ESM loader
 * pays per file, and zod and yaml are about 170 files between them. Run by `npm run build` after tsc.
 */
import { build } from 'esbuild';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// src/vendor/<package>.ts re-exports <package>: the folder is the list
const PACKAGES = readdirSync(join(root, 'src', 'vendor'))
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.slice(0, -'.ts'.length));

for (const name of PACKAGES) {
  const target = join(root, 'dist', 'vendor', `${name}.js`);
  if (!existsSync(target)) throw new Error(`${target} is missing: tsc emits it from src/vendor/${name}.ts first`);
  // tsc's source map describes the file being replaced
  rmSync(`${target}.map`, { force: true });
  // the names Node gives the package's exports (a CommonJS package's too), so the bundle exports exactly those
  const names = Object.keys(await import(name)).filter((n) => n !== 'default');
  const entry = `export { ${names.join(', ')} } from '${name}';\nexport { default } from '${name}';\n`;
  await build({
    stdin: { contents: entry, resolveDir: root, loader: 'js', sourcefile: `vendor-${name}.js` },
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outfile: target,
    allowOverwrite: true,
    // a CommonJS package (yaml) requires Node built-ins; an ES module has no `require` of its own
    banner: { js: "import { createRequire as sluiceVendorRequire } from 'node:module';\nconst require = sluiceVendorRequire(import.meta.url);" },
    legalComments: 'inline',
    logLevel: 'warning',
  });
}
