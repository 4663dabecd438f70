import { describe, expect, it } from 'vitest'
import { NOT_IN_APP, isApiError, toApiError } from './apiError'
import { formatCount } from './format'

describe('toApiError', () => {
  it('keeps an ApiError from Rust as is', () => {
    expect(toApiError({ code: 'not_found', message: '案件不存在' })).toEqual({ code: 'not_found', message: '案件不存在' })
  })
  it('wraps the strings Tauri itself rejects with', () => {
    expect(toApiError('command app_info not found')).toEqual({ code: 'internal', message: 'command app_info not found' })
  })
  it('wraps thrown errors and unknown shapes without losing the text', () => {
    expect(toApiError(new TypeError('boom'))).toEqual({ code: 'internal', message: 'boom' })
    expect(toApiError({ code: 'teapot', message: 'x' })).toEqual({
      code: 'internal',
      message: '{"code":"teapot","message":"x"}',
    })
    expect(toApiError(undefined).code).toBe('internal')
  })
  it('says plainly when the page is not inside the desktop app', () => {
    expect(isApiError(NOT_IN_APP)).toBe(true)
    expect(NOT_IN_APP.code).toBe('unavailable')
    expect(NOT_IN_APP.message).toContain('不在桌面应用中运行')
  })
})

describe('formatCount', () => {
  it('groups digits', () => {
    expect(formatCount(100_000, 'zh-CN')).toBe('100,000')
    expect(formatCount(1234, 'en')).toBe('1,234')
    expect(formatCount(0, 'en')).toBe('0')
  })
})
