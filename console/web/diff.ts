// A line diff (longest common subsequence) between two versions' JSON, for the history view.
export interface DiffLine {
  readonly kind: 'same' | 'added' | 'removed';
  readonly text: string;
}

export function diffLines(before: readonly string[], after: readonly string[]): DiffLine[] {
  const rows = before.length + 1;
  const columns = after.length + 1;
  const lengths = new Uint32Array(rows * columns);
  for (let i = before.length - 1; i >= 0; i--) {
    for (let j = after.length - 1; j >= 0; j--) {
      lengths[i * columns + j] = before[i] === after[j] ? (lengths[(i + 1) * columns + j + 1] ?? 0) + 1 : Math.max(lengths[(i + 1) * columns + j] ?? 0, lengths[i * columns + j + 1] ?? 0);
    }
  }
  const lines: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < before.length && j < after.length) {
    if (before[i] === after[j]) {
      lines.push({ kind: 'same', text: before[i] ?? '' });
      i++;
      j++;
    } else if ((lengths[(i + 1) * columns + j] ?? 0) >= (lengths[i * columns + j + 1] ?? 0)) {
      lines.push({ kind: 'removed', text: before[i++] ?? '' });
    } else {
      lines.push({ kind: 'added', text: after[j++] ?? '' });
    }
  }
  while (i < before.length) lines.push({ kind: 'removed', text: before[i++] ?? '' });
  while (j < after.length) lines.push({ kind: 'added', text: after[j++] ?? '' });
  return lines;
}
