// Global keyboard shortcuts, as a pure state machine so it can be unit-tested:
//   Alt+1…9         go to the N-th screen
//   g then a letter go to the screen with that letter (within GO_TIMEOUT_MS)
//   /               focus the current screen's search field
//   ?               show the shortcut help
// Keys typed into an input, textarea, select or contenteditable are never taken.
import { SCREENS, type ScreenKey } from './screens'

export const GO_TIMEOUT_MS = 1500

export type ShortcutAction =
  | { kind: 'go'; screen: ScreenKey }
  | { kind: 'focusSearch' }
  | { kind: 'help' }
  | { kind: 'pending' }

/** The parts of a KeyboardEvent the machine reads. */
export interface KeyInput {
  key: string
  code?: string
  altKey: boolean
  ctrlKey: boolean
  metaKey: boolean
  shiftKey?: boolean
  /** True when the event target is an editable field. */
  inEditable: boolean
  /** Event time in milliseconds. */
  time: number
}

export class ShortcutMachine {
  private goSince: number | null = null

  /** Returns the action for this key, or null when the key is not a shortcut (let it through). */
  handle(input: KeyInput): ShortcutAction | null {
    if (input.inEditable) {
      this.goSince = null
      return null
    }
    if (input.altKey && !input.ctrlKey && !input.metaKey) {
      this.goSince = null
      // `code` is layout-independent (Alt+digit may produce other characters in `key`).
      const digit = /^Digit([1-9])$/.exec(input.code ?? '')?.[1] ?? /^[1-9]$/.exec(input.key)?.[0]
      if (!digit) return null
      const screen = SCREENS[Number(digit) - 1]
      return screen ? { kind: 'go', screen: screen.key } : null
    }
    if (input.ctrlKey || input.metaKey || input.altKey) {
      this.goSince = null
      return null
    }
    const pendingGo = this.goSince !== null && input.time - this.goSince <= GO_TIMEOUT_MS
    this.goSince = null
    if (pendingGo) {
      const letter = input.key.toLowerCase()
      const screen = SCREENS.find((s) => s.letter === letter)
      return screen ? { kind: 'go', screen: screen.key } : null
    }
    switch (input.key) {
      case 'g':
        this.goSince = input.time
        return { kind: 'pending' }
      case '/':
        return { kind: 'focusSearch' }
      case '?':
        return { kind: 'help' }
      default:
        return null
    }
  }
}

/** Whether a DOM event target is somewhere the user types. */
export function isEditableTarget(target: EventTarget | null): boolean {
  if (!target || typeof (target as HTMLElement).tagName !== 'string') return false
  const el = target as HTMLElement
  const tag = el.tagName.toLowerCase()
  if (tag === 'input' || tag === 'textarea' || tag === 'select') return true
  return el.isContentEditable === true
}

/** The search field of the current screen: any element marked `data-search` (an input, or a
 * wrapper such as el-input's root that contains one). */
export function focusSearchField(root: ParentNode = document): boolean {
  const marked = root.querySelector<HTMLElement>('[data-search]')
  if (!marked) return false
  const field =
    marked.matches('input, textarea') ? marked : marked.querySelector<HTMLElement>('input, textarea')
  if (!field) return false
  field.focus()
  if (field instanceof HTMLInputElement || field instanceof HTMLTextAreaElement) field.select()
  return true
}
