/** Edits (insert, delete, substitute, swap two neighbours) that turn `a` into `b`. */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    rows.push([i]);
    for (let j = 1; j <= b.length; j++) {
      const row = rows[i] as number[];
      if (i === 0) {
        row.push(j);
        continue;
      }
      const prev = rows[i - 1] as number[];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, (rows[i - 2]?.[j - 2] as number) + 1);
      row.push(best);
    }
  }
  return rows[a.length]?.[b.length] as number;
}

/**
 * The names a mistyped word was probably meant to be: the closest ones within a third of its
 * length (at least one edit), or the names it is a prefix of.
 */
export function closest(word: string, names: readonly string[]): string[] {
  const limit = Math.max(1, Math.floor(word.length / 3));
  let best = Number.POSITIVE_INFINITY;
  let found: string[] = [];
  for (const name of names) {
    const d = name.startsWith(word) && word.length >= 2 ? 0.5 : editDistance(word, name);
    if (d > limit || d > best) continue;
    if (d < best) found = [];
    best = d;
    found.push(name);
  }
  return found;
}

/** " (did you mean login?)", or nothing. */
export function didYouMean(candidates: readonly string[]): string {
  if (candidates.length === 0) return '';
  const last = candidates[candidates.length - 1];
  const listed = candidates.length === 1 ? last : `${candidates.slice(0, -1).join(', ')} or ${last}`;
  return ` (did you mean ${listed}?)`;
}
