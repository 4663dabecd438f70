//! Feed client and sync engine: municipal feed -> local SQLite cache.
