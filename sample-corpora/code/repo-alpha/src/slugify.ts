/** Characters that survive in a slug; everything else becomes a separator. */
const KEEP = /[a-z0-9]+/g;

/**
 * Lower-cases, strips accents (NFKD then drops combining marks) and joins the remaining
 * alphanumeric runs with `sep`.
 */
export function slugify(title: string, sep = '-'): string {
  const plain = title.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  return (plain.match(KEEP) ?? []).join(sep);
}

/** Appends -2, -3, ... until the slug is not in `taken`. */
export function uniqueSlug(title: string, taken: ReadonlySet<string>): string {
  const base = slugify(title);
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base}-${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}
