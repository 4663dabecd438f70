//! The simulated municipal feed: a deterministic city served over loopback HTTP.
