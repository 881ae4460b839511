/**
 * TypeScript plugins (.ts, .mts, .cts) load through tsx's ESM loader hooks, registered on the
 * first such plugin and kept for the life of the process (a worker or Slurm task registers them
 * again when its own pipeline load meets a .ts plugin). JavaScript plugins never load tsx.
 */
let registered: Promise<void> | undefined;

export function isTypeScriptPath(path: string): boolean {
  return /\.[mc]?ts$/.test(path);
}

/** Registers tsx's ESM hooks once per process. */
export function ensureTypeScript(): Promise<void> {
  registered ??= import('tsx/esm/api').then(({ register }) => {
    register();
  });
  return registered;
}
