//! The canonical case digest: one value over the latest valid version of every case, computed
//! identically by the simulator (`jiancha feedsim digest`) and the store (`jiancha db digest`).
//!
//! Canonical content of a case = `serde_json::to_vec(&Case)` of the typed [`Case`] (field order of
//! the struct, absent optionals omitted, timestamps normalised to RFC 3339 `+08:00`), so two sides
//! that parsed the same record with this crate produce the same bytes, whatever the wire text
//! looked like. The envelope (`seq`, `reported_at`) is transport metadata and is not included.
//!
//! Combination is order-independent and O(1) in memory: each case's SHA-256 is added as a
//! 256-bit big-endian integer (mod 2^256), and the result is
//! `sha256("jiancha-case-digest-v1\n" || count || "\n" || sum)`. Each case id must be added once,
//! with its latest valid version (highest `seq`).

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::model::Case;

/// The canonical bytes of one case version.
pub fn canonical_case_bytes(case: &Case) -> Vec<u8> {
    serde_json::to_vec(case).expect("cases serialise")
}

/// SHA-256 of [`canonical_case_bytes`].
pub fn case_hash(case: &Case) -> [u8; 32] {
    Sha256::digest(canonical_case_bytes(case)).into()
}

/// Order-independent accumulator (see the module doc).
#[derive(Debug, Clone, Default)]
pub struct CaseDigest {
    count: u64,
    sum: [u8; 32],
}

/// The digest's printed form: `{"cases":…,"digest":"…"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DigestResult {
    /// Number of cases added.
    pub cases: u64,
    /// Lower-case hex SHA-256.
    pub digest: String,
}

impl CaseDigest {
    /// An empty accumulator.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one case (its latest valid version).
    pub fn add(&mut self, case: &Case) {
        self.add_hash(&case_hash(case));
    }

    /// Adds a precomputed [`case_hash`].
    pub fn add_hash(&mut self, h: &[u8; 32]) {
        let mut carry = 0u16;
        for i in (0..32).rev() {
            let s = self.sum[i] as u16 + h[i] as u16 + carry;
            self.sum[i] = s as u8;
            carry = s >> 8;
        }
        self.count += 1;
    }

    /// Merges another accumulator (for parallel computation).
    pub fn merge(&mut self, other: &CaseDigest) {
        let c = self.count;
        self.add_hash(&other.sum);
        self.count = c + other.count;
    }

    /// Cases added so far.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The final digest.
    pub fn finish(&self) -> DigestResult {
        let mut h = Sha256::new();
        h.update(b"jiancha-case-digest-v1\n");
        h.update(self.count.to_string().as_bytes());
        h.update(b"\n");
        h.update(self.sum);
        DigestResult {
            cases: self.count,
            digest: hex::encode(h.finalize()),
        }
    }
}
