/** A task rank or index as five digits (`00042`), so file names sort in rank order. */
export function pad(n: number): string {
  return String(n).padStart(5, '0');
}
