/** Stage ids (`length#2`) and phase ids as file and directory names: the runner's and every stage's that writes files per stage. */
export function fileSafeName(name: string): string {
  return name.replace(/[^A-Za-z0-9_.-]/g, '_');
}
