import { posix } from 'node:path';
import rules from './licences.json' with { type: 'json' };

interface Rule {
  id: string;
  all: string[];
}

const RULES: readonly Rule[] = rules.rules;

/** LICENSE, LICENCE.md, COPYING, COPYING.LESSER, LICENSE-MIT, UNLICENSE... at a repository's root. */
export function isLicenceFile(path: string): boolean {
  return !path.includes('/') && /^(?:licen[cs]e|copying|unlicense)(?:[-._][\w.-]*)?$/i.test(posix.basename(path));
}

/** Lower-case words separated by single spaces; dots survive only inside numbers (2.0, 2.1). */
function normalise(text: string): string {
  return ` ${text
    .toLowerCase()
    .replace(/(?<!\d)\.|\.(?!\d)/g, ' ')
    .replace(/[^a-z0-9.]+/g, ' ')} `;
}

/** SPDX id of one licence text, or undefined when no rule matches. */
export function detectLicence(text: string): string | undefined {
  const spdx = /SPDX-License-Identifier:\s*([A-Za-z0-9.+-]+(?:\s+(?:OR|AND|WITH)\s+[A-Za-z0-9.+-]+)*)/.exec(text);
  if (spdx?.[1] !== undefined) return spdx[1];
  const norm = normalise(text);
  for (const rule of RULES) if (rule.all.every((phrase) => norm.includes(` ${phrase} `))) return rule.id;
  return undefined;
}

/**
 * Licence of a repository from its root licence files (several files: every licence found,
 * joined with AND, the conservative reading), else from the `license` field of package.json or
 * Cargo.toml; `unknown` when nothing names one.
 */
export function repoLicence(licenceTexts: readonly string[], manifests: { packageJson?: string; cargoToml?: string } = {}): string {
  const found = new Set<string>();
  for (const text of licenceTexts) {
    const id = detectLicence(text);
    if (id !== undefined) found.add(id);
  }
  if (found.size > 0) return [...found].sort().join(' AND ');
  if (manifests.packageJson !== undefined) {
    try {
      const pkg: unknown = JSON.parse(manifests.packageJson);
      const license = typeof pkg === 'object' && pkg !== null && 'license' in pkg ? (pkg as { license: unknown }).license : undefined;
      if (typeof license === 'string' && license.trim() !== '') return license.trim();
    } catch {
      // an unreadable manifest names no licence
    }
  }
  const cargo = manifests.cargoToml === undefined ? undefined : /^\s*license\s*=\s*"([^"]+)"/m.exec(manifests.cargoToml)?.[1];
  if (cargo !== undefined) return cargo;
  return 'unknown';
}
