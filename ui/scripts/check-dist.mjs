// Runs after `vite build` (npm `postbuild`): the embedded UI must work under the app's CSP
// (tauri.conf.json: no 'unsafe-eval', no remote origins). Fails the build when dist/ contains
// code that evaluates strings or loads anything from the network, and prints the bundle sizes.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'

const dist = new URL('../dist/', import.meta.url).pathname
const BUDGET_BYTES = 1_500_000 // all JS + CSS, uncompressed

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name)
    return statSync(p).isDirectory() ? files(p) : [p]
  })
}

const rules = [
  { what: 'new Function (needs unsafe-eval)', re: /\bnew\s+Function\s*\(/, in: /\.(m?js|html)$/ },
  { what: 'eval( (needs unsafe-eval)', re: /(^|[^\w$.])eval\s*\(/, in: /\.(m?js|html)$/ },
  { what: 'string setTimeout/setInterval', re: /\bset(Timeout|Interval)\(\s*["'`]/, in: /\.(m?js|html)$/ },
  { what: 'remote script or stylesheet', re: /<(script|link)[^>]+(src|href)=["']?(https?:)?\/\//i, in: /\.html$/ },
  { what: 'remote url() (fonts, images)', re: /url\(\s*["']?(https?:)?\/\//i, in: /\.css$/ },
  { what: 'remote @import', re: /@import\s+(url\()?\s*["']?(https?:)?\/\//i, in: /\.css$/ },
]

let failed = false
let total = 0
const all = files(dist)
for (const file of all) {
  const text = readFileSync(file, 'utf8')
  const size = statSync(file).size
  if (/\.(js|css)$/.test(file)) total += size
  for (const rule of rules) {
    if (!rule.in.test(file)) continue
    const m = rule.re.exec(text)
    if (m) {
      failed = true
      const at = Math.max(0, m.index - 60)
      console.error(`check-dist: ${relative(dist, file)}: ${rule.what}: …${text.slice(at, m.index + 60)}…`)
    }
  }
  console.log(`check-dist: ${relative(dist, file).padEnd(36)} ${(size / 1024).toFixed(1).padStart(8)} KiB`)
}
if (!all.some((f) => f.endsWith('index.html'))) {
  failed = true
  console.error('check-dist: dist/index.html is missing')
}
if (total > BUDGET_BYTES) {
  failed = true
  console.error(`check-dist: JS+CSS is ${total} bytes, over the ${BUDGET_BYTES}-byte budget`)
}
if (failed) process.exit(1)
console.log(`check-dist: OK (no eval, no remote origins; JS+CSS ${(total / 1024).toFixed(0)} KiB)`)
