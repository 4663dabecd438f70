//! The application service: composes store, feed, workflow for the app shell and the CLI.
