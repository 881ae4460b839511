import js from '@eslint/js';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import tseslint from 'typescript-eslint';

// the packages src/ imports only through src/vendor/<package>.ts (the build bundles them)
const VENDORED = readdirSync(fileURLToPath(import.meta.resolve('../src/vendor/')))
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.slice(0, -'.ts'.length));

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'out/**', '.bench/**', '.cache/**', 'sample-corpora/**', 'src/loader/python/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    // the product (dist/) is built from src/ alone: benchmarks, eval sets and corpora live under tests/
    files: ['src/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [{ group: ['**/tests/**'], message: 'src/ must not import from tests/ (it would ship in dist/).' }],
          paths: VENDORED.map((name) => ({ name, message: `import ${name} from src/vendor/${name}.js: the build bundles it into one file (src/vendor/${name}.ts says why)` })),
        },
      ],
    },
  },
  {
    files: ['src/vendor/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': 'off' },
  },
  {
    // CommonJS config files (.config/dependency-cruiser.cjs)
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly', __dirname: 'readonly' } },
  },
);
