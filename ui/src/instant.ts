// RFC 3339 instants from Rust shown in China Standard Time (UTC+8, no DST), as officers read
// them: `2026-11-27T05:06:32Z` → `2026-11-27 13:06:32`. Unparseable text is shown as it came.
export function formatInstantCst(text: string): string {
  const ms = Date.parse(text)
  if (Number.isNaN(ms)) return text
  const d = new Date(ms + 8 * 3600 * 1000)
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`
}

/** A time an officer typed, read as China Standard Time whatever the machine's zone:
 * `2026-12-02 15:00`, `2026-12-02T15:00:30`, or a full RFC 3339 instant. Answers the RFC 3339
 * text Rust takes (`2026-12-02T15:00:00+08:00`), or null for anything else ("昨天下午三点"). */
export function cstInstant(text: string): string | null {
  const s = text.trim()
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(s)
  if (m) {
    const [, y, mo, d, h, mi, se] = m
    const iso = `${y}-${mo}-${d}T${h}:${mi}:${se ?? '00'}+08:00`
    const ms = Date.parse(iso)
    // Reject 2026-02-30 and 25:00 (Date.parse rolls them over or fails).
    if (Number.isNaN(ms) || formatInstantCst(new Date(ms).toISOString()) !== `${y}-${mo}-${d} ${h}:${mi}:${se ?? '00'}`) return null
    return iso
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(s) && !Number.isNaN(Date.parse(s))) return s
  return null
}
