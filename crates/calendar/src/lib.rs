//! Working-day calendar (statutory holidays, make-up days) and the case clock. Pure: no IO, the instant is passed in.
