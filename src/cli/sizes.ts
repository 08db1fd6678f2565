/** Sizes as operators write them: 500K, 25M, 2G, 1T, or plain bytes (binary units, 1K = 1024). */
export function parseSize(value: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([KMGT]?)i?B?\s*$/i.exec(value);
  if (!m) throw new UsageError(`not a size: '${value}' (use e.g. 500K, 25M, 2G)`);
  const n = Number(m[1]) * 1024 ** ' KMGT'.indexOf((m[2] || ' ').toUpperCase());
  if (!Number.isSafeInteger(Math.round(n))) throw new UsageError(`size too large: '${value}'`);
  return Math.round(n);
}

export function formatSize(bytes: number | null): string {
  if (bytes === null) return 'unlimited';
  for (const [unit, f] of [['T', 1024 ** 4], ['G', 1024 ** 3], ['M', 1024 ** 2], ['K', 1024]] as const) {
    if (bytes >= f && bytes % (f / 1024) === 0) return `${+(bytes / f).toFixed(2)}${unit}`;
  }
  return `${bytes}`;
}

/** A mistake in what the operator typed: printed as one line, exit status 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
