import { access } from 'node:fs/promises';

/** Whether `path` exists (any kind of file); errors other than its absence count as absent too. */
export async function pathExists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
