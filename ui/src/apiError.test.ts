import { describe, expect, it } from 'vitest'
import { NOT_IN_APP, isApiError, messageFor, toApiError } from './apiError'
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

describe('messageFor', () => {
  it('drops the English glosses in the Chinese UI', () => {
    expect(messageFor('用户名或密码错误，或账户已停用 (bad credentials for "li")', 'zh-CN')).toBe('用户名或密码错误，或账户已停用')
    expect(messageFor('同步间隔 (sync_interval_secs) 须在 10–86400 秒之间，收到 1', 'zh-CN')).toBe('同步间隔 须在 10–86400 秒之间，收到 1')
    expect(messageFor('不在桌面应用中运行 / not running inside the desktop app', 'zh-CN')).toBe('不在桌面应用中运行')
    expect(messageFor('未配置短信网关：请配置后再发送；当前可登记电话通知。/ No SMS gateway is configured.', 'zh-CN')).toBe(
      '未配置短信网关：请配置后再发送；当前可登记电话通知。',
    )
    expect(messageFor('无法连接短信平台 (cannot reach the SMS gateway after 3 attempts): timed out', 'zh-CN')).toBe('无法连接短信平台: timed out')
  })
  it('keeps what is not a gloss', () => {
    expect(messageFor('用户名 / 姓名：必填', 'zh-CN')).toBe('用户名 / 姓名：必填')
    expect(messageFor('第 3 行（承办人）缺少号码 (3)', 'zh-CN')).toBe('第 3 行（承办人）缺少号码 (3)')
    expect(messageFor('找不到文件 (/tmp/没有.pdf)', 'zh-CN')).toBe('找不到文件 (/tmp/没有.pdf)')
    expect(messageFor('无法读取附件 (/tmp/e2e/notes.pdf)', 'zh-CN')).toBe('无法读取附件 (/tmp/e2e/notes.pdf)')
    expect(messageFor('database is locked (code 5)', 'zh-CN')).toBe('database is locked (code 5)')
  })
  it('keeps the whole message in the English UI', () => {
    expect(messageFor('用户名或密码错误 (bad credentials)', 'en')).toBe('用户名或密码错误 (bad credentials)')
  })
})
