import type { MessageSchema } from './zh-CN'

// English UI text; same keys and placeholders as zh-CN.ts (checked by i18n.test.ts).
const en: MessageSchema = {
  app: {
    title: 'E-Supervision Console',
    version: 'Version {version}',
    versionUnknown: 'Version unknown',
    language: 'Language',
    navigation: 'Navigation',
    shortcuts: 'Shortcuts',
    sync: 'Sync',
    syncNotBuilt: 'Sync status: not built yet',
    notInApp: 'Browser preview: not running inside the desktop app',
  },
  screens: {
    dashboard: {
      title: 'Dashboard',
      planned: "Today's counts of warnings, yellow and red cards and integrity findings, new since yesterday, the departments with the most open cards, the sync status, and two charts.",
    },
    warnings: {
      title: 'Warnings',
      planned: "The queue of warnings (from the working day before a case's deadline), sorted by urgency, filterable by department, item, handler, date and free text.",
    },
    yellow: {
      title: 'Yellow cards',
      planned: 'The queue of cases past their deadline and not completed, and the way to send the handling unit an efficiency admonition letter.',
    },
    red: {
      title: 'Red cards',
      planned: 'The queue of cases more than two working days past their deadline, and the way to open an investigation with the approval of the leader in charge.',
    },
    case: {
      title: 'Case',
      planned: "A case's facts (GB/T 39046 fields), its timeline (pauses shaded, holidays marked), the deadline and both countdowns, the signal history and integrity findings.",
    },
    letters: {
      title: 'Letters',
      planned: 'Drafting, approving, issuing and filing efficiency admonition letters, preliminary investigation notices and other letters.',
    },
    complaints: {
      title: 'Complaints',
      planned: "Registering complaints, transfer within 2 working days, tracking the 15-working-day limit and the reply; the complainant's details stay confidential.",
    },
    scoring: {
      title: 'Scoring',
      planned: 'Monthly evaluation of each department on ten dimensions: versioned scoring rules, deductions and bonuses explained, and rankings.',
    },
    calendar: {
      title: 'Calendar',
      planned: 'A year view of the working calendar: statutory holidays and make-up working days, single-day edits with a reason, and the deadlines they recomputed.',
    },
    sync: {
      title: 'Sync',
      planned: 'Syncing with the municipal feed: progress, last success, errors, and the quarantine list (record, reason and raw payload).',
    },
    settings: {
      title: 'Settings',
      planned: 'Feed URL and token, sync interval, warning lead time and interface language.',
    },
  },
  notBuilt: {
    title: 'Not built yet',
    willShow: 'This screen will provide: {what}',
  },
  dashboard: {
    appInfo: 'This installation',
    version: 'Program version',
    dbPath: 'Database path',
    feedUrl: 'Feed URL',
    feedKind: 'Feed kind',
    demoFeed: 'Built-in demo feed',
    externalFeed: 'External feed',
    schemaVersion: 'Database schema version',
    loading: 'Loading…',
    reload: 'Reload',
    loadFailed: 'Could not read the installation info',
    notYet: 'Not built yet',
    empty: '(empty)',
  },
  queue: {
    total: '{total} rows',
    loaded: '{loaded} loaded',
    position: 'Row {index}',
    loading: 'Loading…',
    empty: 'No rows',
    failed: 'Loading failed: {message}',
    retry: 'Retry',
    hint: '↑/↓ select, Enter opens',
  },
  keys: {
    title: 'Keyboard shortcuts',
    altDigit: 'Alt+digit: go to the N-th screen',
    gLetter: 'g then a letter: go to a screen (letters shown in the navigation)',
    slash: "/: focus the current screen's search field",
    help: '?: show this help',
    queue: 'In a table, ↑/↓ select a row, Enter opens it, PageUp/PageDown page, Home/End jump to the ends',
  },
  errors: {
    format: '{title}: {message}',
    title: 'Error',
    codes: {
      invalid_input: 'Invalid input',
      not_found: 'Not found',
      forbidden: 'Not permitted',
      unauthenticated: 'Sign-in required',
      conflict: 'Not allowed in the current state',
      unavailable: 'Service unavailable',
      internal: 'Internal error',
    },
  },
}

export default en
