// Small formatting helpers shared by the screens.

/** A count with the locale's digit grouping: 100000 → "100,000". */
export function formatCount(n: number, locale: string): string {
  if (!Number.isFinite(n)) return String(n)
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(n)
}
