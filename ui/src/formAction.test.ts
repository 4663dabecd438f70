import { describe, expect, it } from 'vitest'
import { credentialError, mergeEdits, useFormAction } from './formAction'

describe('useFormAction', () => {
  it('keeps the error of a failed action and answers false', async () => {
    const a = useFormAction()
    const ok = await a.run(() => Promise.reject({ code: 'invalid_input', message: '案情摘要：必填' }))
    expect(ok).toBe(false)
    expect(a.error.value).toEqual({ code: 'invalid_input', message: '案情摘要：必填' })
    expect(a.pending.value).toBe(false)
  })

  it('turns a thrown Error or a Tauri string into an ApiError', async () => {
    const a = useFormAction()
    await a.run(async () => {
      throw new Error('unknown option x')
    })
    expect(a.error.value?.message).toBe('unknown option x')
    await a.run(() => Promise.reject('command letters_x not allowed'))
    expect(a.error.value).toEqual({ code: 'internal', message: 'command letters_x not allowed' })
  })

  it('clears the error when the next run succeeds, and ignores a second click while pending', async () => {
    const a = useFormAction()
    await a.run(() => Promise.reject('x'))
    let release!: () => void
    const first = a.run(() => new Promise<void>((r) => (release = r)))
    expect(a.error.value).toBeNull()
    expect(a.pending.value).toBe(true)
    expect(await a.run(() => Promise.resolve())).toBe(false)
    release()
    expect(await first).toBe(true)
    expect(a.pending.value).toBe(false)
  })
})

describe('mergeEdits', () => {
  it('keeps what was typed across a reload and follows the server while untouched', () => {
    const edits: Record<string, { addressee: string; body: string }> = {}
    const seeded: Record<string, { addressee: string; body: string }> = {}
    mergeEdits(edits, seeded, 'a', { addressee: '市民政局', body: '正文' })
    expect(edits.a).toEqual({ addressee: '市民政局', body: '正文' })
    edits.a.addressee = ''
    edits.a.body = '改过的正文'
    // 保存 failed: the reload brings the old values; the typed text stays.
    mergeEdits(edits, seeded, 'a', { addressee: '市民政局', body: '正文' })
    expect(edits.a).toEqual({ addressee: '', body: '改过的正文' })
    // Untouched edits follow the server.
    mergeEdits(edits, seeded, 'b', { addressee: 'x', body: 'y' })
    mergeEdits(edits, seeded, 'b', { addressee: 'x2', body: 'y2' })
    expect(edits.b).toEqual({ addressee: 'x2', body: 'y2' })
  })
})

describe('credentialError', () => {
  it('reads a refused password as a wrong input, and leaves other errors alone', () => {
    expect(credentialError({ code: 'unauthenticated', message: '用户名或密码错误' })).toEqual({ code: 'invalid_input', message: '用户名或密码错误' })
    expect(credentialError({ code: 'forbidden', message: 'x' })).toEqual({ code: 'forbidden', message: 'x' })
    expect(credentialError(null)).toBeNull()
  })
})
