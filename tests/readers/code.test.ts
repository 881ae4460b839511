import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { zipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { localFile, memoryFile } from '../../src/io/input.js';
import { codeReader } from '../../src/readers/code.js';
import { languageOf } from '../../src/readers/code/languages.js';
import { detectLicence, repoLicence } from '../../src/readers/code/licence.js';
import { runReader, type ReaderResult } from '../helpers/harness.js';

const CODE = 'sample-corpora/code';
const tmp = mkdtempSync(join(tmpdir(), 'sluice-code-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const dir = (path: string): ReturnType<typeof localFile> => localFile(path, true);
const skips = (r: ReaderResult): Record<string, string> => Object.fromEntries(r.skipped.map((s) => [s.id, s.reason]));

/** Every regular file under a folder, by walking the disk independently of the reader. */
function filesOnDisk(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

function writeTree(root: string, files: Record<string, string | Buffer>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  }
}

describe('code reader: the sample repositories', () => {
  it('reads one repository folder with a reason for every file it leaves out', async () => {
    const r = await runReader(codeReader, dir(`${CODE}/repo-alpha`));
    expect(r.invalid).toEqual([]);
    expect(r.docs.map((d) => d.id)).toEqual([
      'repo-alpha/.gitignore',
      'repo-alpha/LICENSE',
      'repo-alpha/README.md',
      'repo-alpha/package.json',
      'repo-alpha/bin/slug',
      'repo-alpha/src/index.ts',
      'repo-alpha/src/slugify.ts',
    ]);
    expect(skips(r)).toEqual({
      'repo-alpha/dist/': 'build_dir',
      'repo-alpha/node_modules/': 'vendored_dir',
      'repo-alpha/package-lock.json': 'lock_file',
      'repo-alpha/assets/favicon': 'binary',
      'repo-alpha/assets/logo.png': 'binary',
      'repo-alpha/public/vendor.min.js': 'minified',
      'repo-alpha/public/wordlist.js': 'minified',
      'repo-alpha/src/empty.ts': 'empty',
      'repo-alpha/src/generated/emoji-names.ts': 'generated',
    });
    const slug = r.docs.find((d) => d.id === 'repo-alpha/bin/slug')!;
    expect(slug.meta).toEqual({ repo: 'repo-alpha', path: 'bin/slug', programming_language: 'JavaScript', size: 231, licence: 'MIT' });
    expect(slug.text).toBe(readFileSync(`${CODE}/repo-alpha/bin/slug`, 'utf8'));
  });

  it('accounts for every file on disk: documents + skipped files + files inside skipped folders', async () => {
    for (const repo of ['repo-alpha', 'repo-beta']) {
      const r = await runReader(codeReader, dir(`${CODE}/${repo}`));
      const inSkippedDirs = r.skipped.filter((s) => s.id.endsWith('/')).reduce((n, s) => n + Number(s.detail!['files']), 0);
      const skippedFiles = r.skipped.filter((s) => !s.id.endsWith('/')).length;
      expect(r.docs.length + skippedFiles + inSkippedDirs + r.invalid.length).toBe(filesOnDisk(`${CODE}/${repo}`).length);
    }
  });

  it('treats a folder whose subfolders hold licences as a folder of repositories, archives included', async () => {
    const r = await runReader(codeReader, dir(CODE));
    expect([...new Set(r.docs.map((d) => d.meta['repo']))]).toEqual(['repo-alpha', 'repo-beta', 'repo-gamma']);
    expect(Object.fromEntries(r.docs.map((d) => [d.meta['repo'], d.meta['licence']]))).toEqual({ 'repo-alpha': 'MIT', 'repo-beta': 'BSD-3-Clause', 'repo-gamma': 'Apache-2.0' });
    expect(r.stats.stats.stages['code']!.counters).toMatchObject({ repos_roots: 1, repos: 3 });
  });

  it('reads a .tar.gz of one repository, strips its top folder and skips .git, lock and oversized files', async () => {
    const r = await runReader(codeReader, localFile(`${CODE}/repo-gamma.tar.gz`));
    expect(r.docs.map((d) => [d.id, d.meta['programming_language']])).toEqual([
      ['repo-gamma/LICENSE', 'Text'],
      ['repo-gamma/README.md', 'Markdown'],
      ['repo-gamma/go.mod', 'Go Module'],
      ['repo-gamma/cmd/stations/main.go', 'Go'],
      ['repo-gamma/internal/near/near.go', 'Go'],
      ['repo-gamma/internal/near/near_test.go', 'Go'],
      ['repo-gamma/Dockerfile', 'Dockerfile'],
    ]);
    expect(skips(r)).toEqual({ 'repo-gamma/go.sum': 'lock_file', 'repo-gamma/testdata/stations.json': 'too_large', 'repo-gamma/.git/': 'vcs_dir' });
    expect(r.skipped.find((s) => s.reason === 'vcs_dir')!.detail).toMatchObject({ files: 2 });
  });

  it('reads a .zip the same as the folder it was made from', async () => {
    const files: Record<string, Uint8Array> = {};
    for (const path of filesOnDisk(`${CODE}/repo-beta`)) files[`repo-beta-1.0/${path.slice(`${CODE}/repo-beta/`.length)}`] = readFileSync(path);
    const zipPath = join(tmp, 'repo-beta.zip');
    writeFileSync(zipPath, zipSync(files));
    const fromZip = await runReader(codeReader, localFile(zipPath));
    const fromDir = await runReader(codeReader, dir(`${CODE}/repo-beta`));
    const byId = (r: ReaderResult): Record<string, string> => Object.fromEntries(r.docs.map((d) => [d.id, d.text]));
    expect(byId(fromZip)).toEqual(byId(fromDir));
    expect(fromZip.docs[0]!.meta['licence']).toBe('BSD-3-Clause');
    expect(skips(fromZip)).toEqual(skips(fromDir));
    // the same zip without random access (read into memory)
    const inMemory = await runReader(codeReader, memoryFile('repo-beta.zip', readFileSync(zipPath)));
    expect(byId(inMemory)).toEqual(byId(fromDir));
  });

  it('rejects a truncated archive and keeps the files before the damage', async () => {
    // cut inside the header of go.mod (block 6)
    const tarBytes = gunzipSync(readFileSync(`${CODE}/repo-gamma.tar.gz`));
    const cutTar = await runReader(codeReader, memoryFile('repo-gamma.tar.gz', gzipSync(tarBytes.subarray(0, 6 * 512 + 100))));
    expect(cutTar.docs.map((d) => d.id)).toEqual(['repo-gamma/LICENSE', 'repo-gamma/README.md']);
    expect(cutTar.invalid.map((x) => [x.id, x.reason])).toEqual([['repo-gamma/:damaged', 'truncated']]);
    // the compressed stream itself cut off
    const gz = gzipSync(tarBytes, { level: 1 });
    const cutGz = await runReader(codeReader, memoryFile('repo-gamma.tar.gz', gz.subarray(0, Math.floor(gz.length / 2))));
    expect(cutGz.docs.length).toBeGreaterThan(3);
    expect(cutGz.invalid.map((x) => x.reason)).toEqual(['truncated']);
  });
});

describe('code reader: layout and options', () => {
  it('a folder with .git is one repository, even when its subfolders have licences', async () => {
    const root = join(tmp, 'mono');
    writeTree(root, {
      '.git/HEAD': 'ref: refs/heads/main\n',
      'pkg/a/LICENSE': 'MIT License\nPermission is hereby granted, free of charge, to any person obtaining a copy',
      'pkg/a/main.py': 'print(1)\n',
    });
    const r = await runReader(codeReader, dir(root));
    expect(r.docs.map((d) => d.id)).toEqual(['mono/pkg/a/LICENSE', 'mono/pkg/a/main.py']);
    expect(skips(r)).toEqual({ 'mono/.git/': 'vcs_dir' });
    const forced = await runReader(codeReader, dir(root), { repos_root: true });
    expect(forced.docs.map((d) => d.id)).toEqual(['pkg/a/LICENSE', 'pkg/a/main.py']);
    expect(skips(forced)).toEqual({ 'mono/.git/': 'vcs_dir' });
  });

  it('skips loose files at the top of a folder of repositories, with a reason', async () => {
    const root = join(tmp, 'many');
    writeTree(root, { 'notes.txt': 'not in any repository\n', 'one/LICENSE': 'x', 'one/a.go': 'package a\n', 'two/b.rs': 'fn main() {}\n' });
    const r = await runReader(codeReader, dir(root));
    expect(r.docs.map((d) => [d.id, d.meta['licence']])).toEqual([
      ['one/LICENSE', 'unknown'],
      ['one/a.go', 'unknown'],
      ['two/b.rs', 'unknown'],
    ]);
    expect(skips(r)).toEqual({ 'many/notes.txt': 'outside_repo' });
  });

  it('does not follow symlinks and says so', async () => {
    const root = join(tmp, 'links');
    writeTree(root, { LICENSE: 'x', 'real.py': 'x = 1\n' });
    symlinkSync(join(root, 'real.py'), join(root, 'alias.py'));
    const r = await runReader(codeReader, dir(root));
    expect(r.docs.map((d) => d.id)).toEqual(['links/LICENSE', 'links/real.py']);
    expect(skips(r)).toEqual({ 'links/alias.py': 'symlink' });
  });

  it('honours keep_dirs, extra_skip_dirs, max_file_bytes and skip_unknown_languages', async () => {
    const root = join(tmp, 'opts');
    writeTree(root, { LICENSE: 'x', 'vendor/dep.go': 'package dep\n', 'fixtures/big.py': `x = "${'a'.repeat(300)}"\n`, 'data.xyz': 'unknown format\n', 'ok.py': 'y = 2\n' });
    const defaults = await runReader(codeReader, dir(root));
    expect(skips(defaults)).toEqual({ 'opts/vendor/': 'vendored_dir' });
    expect(defaults.docs.find((d) => d.id === 'opts/data.xyz')!.meta['programming_language']).toBe('unknown');
    const r = await runReader(codeReader, dir(root), { keep_dirs: ['vendor'], extra_skip_dirs: ['fixtures'], max_file_bytes: 10, skip_unknown_languages: true });
    expect(skips(r)).toEqual({ 'opts/fixtures/': 'skipped_dir', 'opts/data.xyz': 'too_large', 'opts/vendor/dep.go': 'too_large' });
    const r2 = await runReader(codeReader, dir(root), { skip_unknown_languages: true });
    expect(skips(r2)['opts/data.xyz']).toBe('unknown_language');
  });

  it.skipIf(!existsSync('/proc/self/fd'))('closes every archive it looks into (a folder of 40 archives leaves no file open)', async () => {
    const root = join(tmp, 'archives');
    mkdirSync(root);
    for (let i = 0; i < 40; i++) writeFileSync(join(root, `r${i}.tar.gz`), readFileSync(`${CODE}/repo-gamma.tar.gz`));
    const open = (): number => readdirSync('/proc/self/fd').length;
    const before = open();
    const r = await runReader(codeReader, dir(root), { repos_root: true });
    expect(r.stats.stats.stages['code']!.counters['repos']).toBe(40);
    expect(open()).toBe(before);
  });

  it('reads a lone source file as a one-file repository named after its folder', async () => {
    const r = await runReader(codeReader, localFile(`${CODE}/repo-beta/stats/mean.py`));
    expect(r.docs.map((d) => [d.id, d.meta['programming_language'], d.meta['licence']])).toEqual([['stats/mean.py', 'Python', 'unknown']]);
  });
});

describe('language table', () => {
  it.each([
    ['src/main.rs', undefined, 'Rust'],
    ['Makefile', undefined, 'Makefile'],
    ['docker/Dockerfile.dev', undefined, 'Dockerfile'],
    ['CMakeLists.txt', undefined, 'CMake'],
    ['lib/Foo.H', undefined, 'C'],
    ['bin/tool', '#!/usr/bin/env python3 -u', 'Python'],
    ['bin/run', '#!/bin/bash', 'Shell'],
    ['bin/blob', 'no shebang', undefined],
  ])('%s (first line %s) is %s', (path, firstLine, language) => {
    expect(languageOf(path, firstLine)).toBe(language);
  });
});

describe('licence detection', () => {
  it.each([
    ['MIT', readFileSync(`${CODE}/repo-alpha/LICENSE`, 'utf8')],
    ['BSD-3-Clause', readFileSync(`${CODE}/repo-beta/LICENSE`, 'utf8')],
    [
      'BSD-2-Clause',
      'Redistribution and use in source and binary forms, with or without modification, are permitted provided that the following conditions are met:\n1. Redistributions of source code must retain the above copyright notice',
    ],
    ['Apache-2.0', '                                 Apache License\n                           Version 2.0, January 2004'],
    ['GPL-3.0', '                    GNU GENERAL PUBLIC LICENSE\n                       Version 3, 29 June 2007\n ... GNU Affero General Public License ...'],
    ['GPL-2.0', '                    GNU GENERAL PUBLIC LICENSE\n                       Version 2, June 1991'],
    ['LGPL-3.0', '                   GNU LESSER GENERAL PUBLIC LICENSE\n                       Version 3, 29 June 2007\n  version 3 of the GNU General Public License'],
    ['LGPL-2.1', '                  GNU LESSER GENERAL PUBLIC LICENSE\n                       Version 2.1, February 1999'],
    ['AGPL-3.0', '                    GNU AFFERO GENERAL PUBLIC LICENSE\n                       Version 3, 19 November 2007'],
    [
      'GPL-3.0',
      'This program is free software: you can redistribute it under the terms of the GNU General Public License as published by the Free Software Foundation, either version 3 of the License.',
    ],
    ['MPL-2.0', 'Mozilla Public License Version 2.0\n=================================='],
    [
      'ISC',
      'ISC License\n\nPermission to use, copy, modify, and/or distribute this software for any purpose with or without fee is hereby granted, provided that the above copyright notice and this permission notice appear in all copies.',
    ],
    ['0BSD', 'Permission to use, copy, modify, and/or distribute this software for any purpose with or without fee is hereby granted.\n\nTHE SOFTWARE IS PROVIDED "AS IS"'],
    ['Unlicense', 'This is free and unencumbered software released into the public domain.'],
    ['MIT OR Apache-2.0', '// SPDX-License-Identifier: MIT OR Apache-2.0\n'],
  ])('%s', (id, text) => {
    expect(detectLicence(text)).toBe(id);
  });

  it('joins several licence files, falls back to package.json, and says unknown otherwise', () => {
    expect(repoLicence(['Apache License\nVersion 2.0, January 2004', readFileSync(`${CODE}/repo-alpha/LICENSE`, 'utf8')])).toBe('Apache-2.0 AND MIT');
    expect(repoLicence([], { packageJson: '{"license": "ISC"}' })).toBe('ISC');
    expect(repoLicence([], { cargoToml: '[package]\nlicense = "MIT OR Apache-2.0"\n' })).toBe('MIT OR Apache-2.0');
    expect(repoLicence(['All rights reserved.'])).toBe('unknown');
  });
});
