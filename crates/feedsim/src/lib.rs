//! The simulated municipal feed: a deterministic city served over loopback HTTP.
//!
//! - [`World`]: ~40 departments (city level and three county-level districts, each with its
//!   stationed discipline body), a few hundred items, and cases arriving on working days
//!   (`jiancha_calendar::Calendar::builtin()`). Case `i` is a pure function of (seed, config, i).
//! - [`serve`]: the feed of `docs/feed-protocol.md` over axum, with transport fault modes and a
//!   live mode. [`Handle::truth`] / [`World::truth`] expose what was planted and the digest.
//!
//! The simulator never reads the wall clock: history ends at a time the caller gives, and live
//! mode's ticker uses the caller's clock function.

mod city;
pub mod faults;
mod rng;
mod server;
mod world;

pub use faults::{parse_modes, plant_from_modes, FaultMode, Faults};
pub use server::{build_index, serve, Handle, LiveConfig, ServeConfig};
pub use world::{slot, Plan, Plant, Truth, World, WorldConfig};
