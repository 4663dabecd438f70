import { createI18n } from 'vue-i18n'
import zhCN, { type MessageSchema } from './zh-CN'
import en from './en'

/** The interface languages. zh-CN is the default; English is a switch. */
export const LANGUAGES = ['zh-CN', 'en'] as const
export type Language = (typeof LANGUAGES)[number]
export const DEFAULT_LANGUAGE: Language = 'zh-CN'

/** Names shown in the language switch, each in its own language. */
export const LANGUAGE_NAMES: Record<Language, string> = { 'zh-CN': '中文', en: 'English' }

// The language's source of truth is Rust (the 设置 `language` setting, read at start by
// live.ts); localStorage only keeps it for the first paint, before Rust answers.
const STORAGE_KEY = 'jiancha.language'

/** Called when the officer picks a language (live.ts stores it in Rust). */
let languagePersister: ((language: Language) => void) | undefined
export function onLanguageChosen(persist: (language: Language) => void): void {
  languagePersister = persist
}

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value)
}

/** The stored language, or the default when nothing (or something unknown) is stored. */
export function storedLanguage(storage: Pick<Storage, 'getItem'> | undefined): Language {
  try {
    const value = storage?.getItem(STORAGE_KEY)
    return isLanguage(value) ? value : DEFAULT_LANGUAGE
  } catch {
    return DEFAULT_LANGUAGE
  }
}

function browserStorage(): Storage | undefined {
  try {
    return typeof localStorage === 'undefined' ? undefined : localStorage
  } catch {
    return undefined
  }
}

export const messages: Record<Language, MessageSchema> = { 'zh-CN': zhCN, en }

export const i18n = createI18n<[MessageSchema], Language, false>({
  legacy: false,
  locale: storedLanguage(browserStorage()),
  fallbackLocale: DEFAULT_LANGUAGE,
  messages,
  missingWarn: import.meta.env.DEV,
  fallbackWarn: import.meta.env.DEV,
})

/** Switches the interface language, persists it and updates `<html lang>` and the title. */
export function setLanguage(language: Language): void {
  i18n.global.locale.value = language
  try {
    browserStorage()?.setItem(STORAGE_KEY, language)
  } catch {
    // Storage refused (private mode, quota): the switch still applies for this session.
  }
  applyDocumentLanguage(language)
  languagePersister?.(language)
}

export function applyDocumentLanguage(language: Language): void {
  if (typeof document === 'undefined') return
  document.documentElement.lang = language
  document.title = messages[language].app.title
}

export function currentLanguage(): Language {
  return i18n.global.locale.value
}
