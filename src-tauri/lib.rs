//! The app shell: setup, state, one-line commands, events. No domain logic lives here.

pub fn run() {}
