// One mechanism for every action a dialog or form submits (issue 12 item 1): a pending flag,
// an error slot shown where the action was taken, and a result that says whether to close.
// A failed action keeps the dialog open with what was typed; nothing fails silently: a
// rejection of any kind (Rust's ApiError, Tauri's string, a thrown Error) becomes an ApiError.
import { ref, type Ref } from 'vue'
import { toApiError, type ApiError } from './apiError'

export interface FormAction {
  /** True while the action runs (bind to the submit button's `loading`). */
  pending: Ref<boolean>
  /** The last failure, for the form's own error slot; cleared when the action starts. */
  error: Ref<ApiError | null>
  /** Runs `f` once (a second call while pending is ignored and answers false). Resolves true
   * when it succeeded (the caller may close the dialog), false when it failed: the error is in
   * `error` and nothing the user typed is touched. Never rejects. */
  run: (f: () => Promise<unknown>) => Promise<boolean>
  /** Forgets the last error (a dialog opened afresh). */
  clear: () => void
}

/** A refusal found in the page before Rust is asked (a typed time that is not one, two
 * passwords that differ): rejected as Rust would, so it shows in the same error slot. */
export function invalidInput(message: string): Promise<never> {
  return Promise.reject({ code: 'invalid_input', message } satisfies ApiError)
}

/** On a form where credentials are typed (sign-in, unlock, a leader's approval) a refusal of
 * them is a wrong input, not "需要登录": the form is the sign-in. */
export function credentialError(e: ApiError | null): ApiError | null {
  return e && e.code === 'unauthenticated' ? { code: 'invalid_input', message: e.message } : e
}

export function useFormAction(): FormAction {
  const pending = ref(false)
  const error = ref<ApiError | null>(null)
  async function run(f: () => Promise<unknown>): Promise<boolean> {
    if (pending.value) return false
    pending.value = true
    error.value = null
    try {
      await f()
      return true
    } catch (e) {
      error.value = toApiError(e)
      return false
    } finally {
      pending.value = false
    }
  }
  return { pending, error, run, clear: () => (error.value = null) }
}

/** Draft edits that survive a reload: the server's value replaces an edit only while the edit
 * still equals what the server said last (so a failed 保存 keeps the typed text). */
export function mergeEdits<T extends Record<string, string>>(
  edits: Record<string, T>,
  seeded: Record<string, T>,
  id: string,
  server: T,
): void {
  const edit = edits[id]
  const last = seeded[id]
  const untouched = !edit || !last || Object.keys(server).every((k) => edit[k] === last[k])
  if (untouched) edits[id] = { ...server }
  seeded[id] = { ...server }
}
