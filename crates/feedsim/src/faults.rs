//! Fault modes: transport faults (which never change the data) and the planted integrity faults
//! (which are part of the city, see [`crate::Plant`]).

use std::fmt;
use std::str::FromStr;

/// A fault mode as named on the command line (`--fault MODE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FaultMode {
    /// `5xx`: some requests answer 500/502/503 or 429 (503 and 429 with `Retry-After`).
    Http5xx,
    /// `slow`: some answers are delayed (`slow_ms`).
    Slow,
    /// `truncate`: some bodies are cut short (half a JSON body, or the connection drops mid-body).
    Truncate,
    /// `duplicate`: some requests get the previous page again (records with `seq <= after`,
    /// `next_cursor` = `after`).
    Duplicate,
    /// `reorder`: records inside every page are shuffled, and some requests get the page after
    /// the next one with `next_cursor` = `after` (newer versions arrive before older ones).
    Reorder,
    /// `malformed`: about 1 % of case records are followed by a malformed record (same `seq`).
    Malformed,
    /// `silent`: plant the silent department.
    Silent,
    /// `late`: plant the department that reports days late.
    Late,
    /// `backdate`: plant the department that rewrites timestamps.
    Backdate,
}

impl FaultMode {
    /// Every mode (`all`).
    pub const ALL: [FaultMode; 9] = [
        FaultMode::Http5xx,
        FaultMode::Slow,
        FaultMode::Truncate,
        FaultMode::Duplicate,
        FaultMode::Reorder,
        FaultMode::Malformed,
        FaultMode::Silent,
        FaultMode::Late,
        FaultMode::Backdate,
    ];

    /// The command-line name.
    pub fn name(self) -> &'static str {
        match self {
            FaultMode::Http5xx => "5xx",
            FaultMode::Slow => "slow",
            FaultMode::Truncate => "truncate",
            FaultMode::Duplicate => "duplicate",
            FaultMode::Reorder => "reorder",
            FaultMode::Malformed => "malformed",
            FaultMode::Silent => "silent",
            FaultMode::Late => "late",
            FaultMode::Backdate => "backdate",
        }
    }

    /// Is this a planted integrity fault (part of the data) rather than a transport fault?
    pub fn is_integrity(self) -> bool {
        matches!(
            self,
            FaultMode::Silent | FaultMode::Late | FaultMode::Backdate
        )
    }
}

impl fmt::Display for FaultMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for FaultMode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        FaultMode::ALL
            .into_iter()
            .find(|m| m.name() == s || (s == "http5xx" && *m == FaultMode::Http5xx))
            .ok_or_else(|| {
                format!(
                    "unknown fault mode {s:?}; expected one of all, {}",
                    FaultMode::ALL.map(|m| m.name()).join(", ")
                )
            })
    }
}

/// The set of transport faults switched on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Faults {
    /// See [`FaultMode::Http5xx`].
    pub http5xx: bool,
    /// See [`FaultMode::Slow`].
    pub slow: bool,
    /// See [`FaultMode::Truncate`].
    pub truncate: bool,
    /// See [`FaultMode::Duplicate`].
    pub duplicate: bool,
    /// See [`FaultMode::Reorder`].
    pub reorder: bool,
    /// See [`FaultMode::Malformed`].
    pub malformed: bool,
}

impl Faults {
    /// Every transport fault.
    pub const ALL: Faults = Faults {
        http5xx: true,
        slow: true,
        truncate: true,
        duplicate: true,
        reorder: true,
        malformed: true,
    };

    /// Switches one mode on (integrity modes are ignored here; see [`plant_from_modes`]).
    pub fn with(mut self, m: FaultMode) -> Faults {
        match m {
            FaultMode::Http5xx => self.http5xx = true,
            FaultMode::Slow => self.slow = true,
            FaultMode::Truncate => self.truncate = true,
            FaultMode::Duplicate => self.duplicate = true,
            FaultMode::Reorder => self.reorder = true,
            FaultMode::Malformed => self.malformed = true,
            _ => {}
        }
        self
    }

    /// From a list of modes.
    pub fn from_modes(modes: &[FaultMode]) -> Faults {
        modes.iter().fold(Faults::default(), |f, m| f.with(*m))
    }
}

/// Which integrity faults to plant for a list of modes: the named ones if any integrity mode is
/// named, otherwise all three (the city's default), or none when `honest`.
pub fn plant_from_modes(modes: &[FaultMode], honest: bool) -> crate::Plant {
    if honest {
        return crate::Plant::NONE;
    }
    if !modes.iter().any(|m| m.is_integrity()) {
        return crate::Plant::ALL;
    }
    crate::Plant {
        silent: modes.contains(&FaultMode::Silent),
        late: modes.contains(&FaultMode::Late),
        backdate: modes.contains(&FaultMode::Backdate),
    }
}

/// Parses `--fault` values (`all` expands to every mode).
pub fn parse_modes<S: AsRef<str>>(names: &[S]) -> Result<Vec<FaultMode>, String> {
    let mut out = Vec::new();
    for n in names {
        for part in n
            .as_ref()
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            if part == "all" {
                out.extend(FaultMode::ALL);
            } else {
                out.push(part.parse()?);
            }
        }
    }
    out.dedup();
    Ok(out)
}
