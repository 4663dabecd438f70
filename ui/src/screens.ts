// The screens of the console, in navigation order. The order gives the Alt+digit shortcut
// (Alt+1 … Alt+9 for the first nine); `letter` gives the g-then-letter shortcut.
export const SCREEN_KEYS = [
  'dashboard',
  'warnings',
  'yellow',
  'red',
  'case',
  'letters',
  'complaints',
  'scoring',
  'calendar',
  'sync',
  'settings',
] as const
export type ScreenKey = (typeof SCREEN_KEYS)[number]

export interface Screen {
  key: ScreenKey
  /** Route path (hash history: `#/warnings`). */
  path: string
  /** g-then-letter shortcut. */
  letter: string
  /** Whether the screen is built; unbuilt screens say so plainly. */
  built: boolean
}

export const SCREENS: readonly Screen[] = [
  { key: 'dashboard', path: '/', letter: 'd', built: true },
  { key: 'warnings', path: '/warnings', letter: 'w', built: true },
  { key: 'yellow', path: '/yellow', letter: 'y', built: true },
  { key: 'red', path: '/red', letter: 'r', built: true },
  { key: 'case', path: '/case', letter: 'c', built: true },
  { key: 'letters', path: '/letters', letter: 'l', built: true },
  { key: 'complaints', path: '/complaints', letter: 't', built: false },
  { key: 'scoring', path: '/scoring', letter: 'p', built: false },
  { key: 'calendar', path: '/calendar', letter: 'k', built: true },
  { key: 'sync', path: '/sync', letter: 's', built: true },
  { key: 'settings', path: '/settings', letter: 'o', built: true },
]

/** Alt+digit for the screen at `index` (0-based), or undefined past the ninth. */
export function digitFor(index: number): string | undefined {
  return index >= 0 && index < 9 ? String(index + 1) : undefined
}

export function screenByKey(key: ScreenKey): Screen {
  const screen = SCREENS.find((s) => s.key === key)
  if (!screen) throw new Error(`unknown screen ${key}`)
  return screen
}
