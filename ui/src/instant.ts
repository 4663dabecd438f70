// RFC 3339 instants from Rust shown in China Standard Time (UTC+8, no DST), as officers read
// them: `2026-11-27T05:06:32Z` → `2026-11-27 13:06:32`. Unparseable text is shown as it came.
export function formatInstantCst(text: string): string {
  const ms = Date.parse(text)
  if (Number.isNaN(ms)) return text
  const d = new Date(ms + 8 * 3600 * 1000)
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`
}
