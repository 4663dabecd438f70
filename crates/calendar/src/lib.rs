//! Working-day calendar (statutory holidays, make-up days) and the case clock.
//! Pure: no IO, the instant is always passed in (the wall clock is banned by
//! `clippy.toml`'s `disallowed-methods`). Decisions and their articles: `docs/clock.md`.

mod calendar;
mod clock;
pub mod import;
mod work;

/// Re-exported so users of the API (the CLI, the service) name the same chrono types.
pub use chrono;

pub use calendar::{AssetError, Calendar, DayOverride, Known, NaiveCalendar};
pub use clock::{
    evaluate, CapOverrun, CaseClock, CaseEvent, ClockConfig, ClockError, ClockState, Closure,
    EventKind, LateExtension, Level, Limit, PauseKind, PauseState, Signal, Unit,
};
pub use work::WorkCalendar;

/// China Standard Time (UTC+8, no daylight saving): every date in this crate is a CST date.
pub fn cst() -> chrono::FixedOffset {
    chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}
