//! A CJK font for the charts' text, embedded in the SVG as a subset.
//!
//! The dashboard's SVGs carry an `@font-face` whose source is a `data:` URL of a TrueType
//! font that holds only the glyphs the chart uses (a few kilobytes instead of megabytes).
//! The subsetter here is deliberately small: it handles TrueType outlines (`glyf`/`loca`),
//! simple and composite glyphs, characters of the Basic Multilingual Plane, and writes a
//! fresh `cmap` (format 4), `hmtx`, `loca`, `glyf`, `maxp`, `hhea`, `head` and a `post`
//! of format 3; `name`, `OS/2` and the glyph-independent hinting tables are copied.
//! CFF-flavoured fonts (Noto Sans CJK's `.otf`/`.ttc`) are refused with
//! [`FontError::NotTrueType`]: the charts then fall back to the system font stack.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;

use ttf_parser::{Face, GlyphId, Tag};

/// Where [`CjkFont::from_system`] looks, in order. All are TrueType-outline collections.
pub const SYSTEM_FONT_CANDIDATES: &[(&str, u32)] = &[
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    (
        "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
        0,
    ),
];

#[derive(Debug, thiserror::Error)]
pub enum FontError {
    #[error("cannot read font file {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("not a parseable font (face {index}): {detail}")]
    Parse { index: u32, detail: String },
    #[error("font has no TrueType outlines (glyf/loca); CFF fonts cannot be subset here")]
    NotTrueType,
    #[error("font lacks the required table '{0}'")]
    MissingTable(&'static str),
    #[error("font table '{table}' is malformed: {detail}")]
    Malformed { table: &'static str, detail: String },
    #[error("font has no glyph for any of the characters to embed")]
    NoCoverage,
}

/// A TrueType font (or one face of a collection) held in memory, shared cheaply.
#[derive(Clone)]
pub struct CjkFont {
    data: Arc<Vec<u8>>,
    index: u32,
    units_per_em: f64,
}

impl std::fmt::Debug for CjkFont {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CjkFont")
            .field("bytes", &self.data.len())
            .field("index", &self.index)
            .finish()
    }
}

impl CjkFont {
    /// Takes a TrueType font or collection (`index` = face in the collection, 0 for a file
    /// with one face). Refuses fonts that cannot be subset (no `glyf`).
    pub fn from_bytes(data: Vec<u8>, index: u32) -> Result<Self, FontError> {
        let units_per_em = {
            let face = parse(&data, index)?;
            if face.raw_face().table(Tag::from_bytes(b"glyf")).is_none()
                || face.raw_face().table(Tag::from_bytes(b"loca")).is_none()
            {
                return Err(FontError::NotTrueType);
            }
            f64::from(face.units_per_em())
        };
        Ok(CjkFont {
            data: Arc::new(data),
            index,
            units_per_em,
        })
    }

    pub fn from_file(path: impl AsRef<Path>, index: u32) -> Result<Self, FontError> {
        let path = path.as_ref();
        let data = std::fs::read(path).map_err(|source| FontError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Self::from_bytes(data, index)
    }

    /// The first usable font of [`SYSTEM_FONT_CANDIDATES`] (Debian: `fonts-wqy-microhei`).
    pub fn from_system() -> Option<Self> {
        SYSTEM_FONT_CANDIDATES
            .iter()
            .filter(|(p, _)| Path::new(p).exists())
            .find_map(|(p, i)| Self::from_file(p, *i).ok())
    }

    fn face(&self) -> Face<'_> {
        // Parsed successfully in the constructor: cannot fail on the same bytes.
        Face::parse(&self.data, self.index).expect("font validated at construction")
    }

    /// Width of `text` in pixels at `size_px`, from the font's advances; characters the
    /// font lacks count as one em (they will be drawn by a fallback font).
    pub fn text_width(&self, text: &str, size_px: f64) -> f64 {
        let face = self.face();
        let units: f64 = text
            .chars()
            .map(|c| {
                face.glyph_index(c)
                    .and_then(|g| face.glyph_hor_advance(g))
                    .map(f64::from)
                    .unwrap_or(self.units_per_em)
            })
            .sum();
        units / self.units_per_em * size_px
    }

    /// Whether the font has a glyph for `c`.
    pub fn covers(&self, c: char) -> bool {
        self.face().glyph_index(c).is_some()
    }

    /// A TrueType subset holding `.notdef` and the glyphs of `chars` (those the font has).
    pub fn subset(&self, chars: &BTreeSet<char>) -> Result<Vec<u8>, FontError> {
        subset_truetype(&self.data, self.index, chars)
    }
}

fn parse(data: &[u8], index: u32) -> Result<Face<'_>, FontError> {
    Face::parse(data, index).map_err(|e| FontError::Parse {
        index,
        detail: e.to_string(),
    })
}

fn be16(b: &[u8], at: usize, table: &'static str) -> Result<u16, FontError> {
    b.get(at..at + 2)
        .map(|s| u16::from_be_bytes([s[0], s[1]]))
        .ok_or_else(|| FontError::Malformed {
            table,
            detail: format!("truncated at byte {at}"),
        })
}

fn be32(b: &[u8], at: usize, table: &'static str) -> Result<u32, FontError> {
    b.get(at..at + 4)
        .map(|s| u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
        .ok_or_else(|| FontError::Malformed {
            table,
            detail: format!("truncated at byte {at}"),
        })
}

struct Glyf<'a> {
    glyf: &'a [u8],
    loca: &'a [u8],
    long: bool,
    num_glyphs: u16,
}

impl<'a> Glyf<'a> {
    fn data(&self, gid: u16) -> Result<&'a [u8], FontError> {
        if gid >= self.num_glyphs {
            return Err(FontError::Malformed {
                table: "glyf",
                detail: format!("glyph {gid} out of range"),
            });
        }
        let i = usize::from(gid);
        let (start, end) = if self.long {
            (
                be32(self.loca, i * 4, "loca")? as usize,
                be32(self.loca, i * 4 + 4, "loca")? as usize,
            )
        } else {
            (
                usize::from(be16(self.loca, i * 2, "loca")?) * 2,
                usize::from(be16(self.loca, i * 2 + 2, "loca")?) * 2,
            )
        };
        if start > end || end > self.glyf.len() {
            return Err(FontError::Malformed {
                table: "loca",
                detail: format!("glyph {gid} spans {start}..{end} outside glyf"),
            });
        }
        Ok(&self.glyf[start..end])
    }
}

// Composite glyph flags (OpenType spec, 'glyf').
const ARG_1_AND_2_ARE_WORDS: u16 = 0x0001;
const WE_HAVE_A_SCALE: u16 = 0x0008;
const MORE_COMPONENTS: u16 = 0x0020;
const WE_HAVE_AN_X_AND_Y_SCALE: u16 = 0x0040;
const WE_HAVE_A_TWO_BY_TWO: u16 = 0x0080;

/// Offsets (within the glyph's data) of each component's glyph index, and the indices.
fn components(data: &[u8]) -> Result<Vec<(usize, u16)>, FontError> {
    let mut out = Vec::new();
    if data.len() < 10 || (be16(data, 0, "glyf")? as i16) >= 0 {
        return Ok(out); // empty or simple glyph
    }
    let mut at = 10;
    loop {
        let flags = be16(data, at, "glyf")?;
        let gid = be16(data, at + 2, "glyf")?;
        out.push((at + 2, gid));
        at += 4;
        at += if flags & ARG_1_AND_2_ARE_WORDS != 0 {
            4
        } else {
            2
        };
        if flags & WE_HAVE_A_SCALE != 0 {
            at += 2;
        } else if flags & WE_HAVE_AN_X_AND_Y_SCALE != 0 {
            at += 4;
        } else if flags & WE_HAVE_A_TWO_BY_TWO != 0 {
            at += 8;
        }
        if flags & MORE_COMPONENTS == 0 {
            break;
        }
    }
    Ok(out)
}

/// Subsets face `index` of the TrueType font `data` to `.notdef` plus the glyphs of
/// `chars` (and the components they use). Characters outside the BMP or missing from the
/// font are left out. Glyphs are renumbered; the new `cmap` maps each kept character.
pub fn subset_truetype(
    data: &[u8],
    index: u32,
    chars: &BTreeSet<char>,
) -> Result<Vec<u8>, FontError> {
    let face = parse(data, index)?;
    let raw = face.raw_face();
    let table = |t: &'static [u8; 4], name: &'static str| {
        raw.table(Tag::from_bytes(t))
            .ok_or(FontError::MissingTable(name))
    };
    let glyf_t = raw
        .table(Tag::from_bytes(b"glyf"))
        .ok_or(FontError::NotTrueType)?;
    let loca_t = raw
        .table(Tag::from_bytes(b"loca"))
        .ok_or(FontError::NotTrueType)?;
    let head = table(b"head", "head")?;
    let hhea = table(b"hhea", "hhea")?;
    let maxp = table(b"maxp", "maxp")?;
    let post = table(b"post", "post")?;
    if head.len() < 54 || hhea.len() < 36 || maxp.len() < 6 || post.len() < 32 {
        return Err(FontError::Malformed {
            table: "head/hhea/maxp/post",
            detail: "table too short".into(),
        });
    }
    let glyf = Glyf {
        glyf: glyf_t,
        loca: loca_t,
        long: be16(head, 50, "head")? == 1,
        num_glyphs: face.number_of_glyphs(),
    };

    // Characters → old glyph ids (BMP only: cmap format 4).
    let mut mapped: Vec<(u16, u16)> = Vec::new();
    for &c in chars {
        let Ok(code) = u16::try_from(u32::from(c)) else {
            continue;
        };
        if code == 0xFFFF {
            continue;
        }
        if let Some(g) = face.glyph_index(c) {
            if g.0 != 0 {
                mapped.push((code, g.0));
            }
        }
    }
    if mapped.is_empty() {
        return Err(FontError::NoCoverage);
    }

    // Old → new glyph ids: .notdef first, then glyphs in character order, then components.
    let mut order: Vec<u16> = vec![0];
    let mut new_id: BTreeMap<u16, u16> = BTreeMap::from([(0, 0)]);
    let push = |g: u16, order: &mut Vec<u16>, new_id: &mut BTreeMap<u16, u16>| {
        if let std::collections::btree_map::Entry::Vacant(e) = new_id.entry(g) {
            e.insert(order.len() as u16);
            order.push(g);
        }
    };
    for &(_, g) in &mapped {
        push(g, &mut order, &mut new_id);
    }
    let mut i = 0;
    while i < order.len() {
        for (_, comp) in components(glyf.data(order[i])?)? {
            push(comp, &mut order, &mut new_id);
        }
        i += 1;
        if order.len() > usize::from(u16::MAX) {
            return Err(FontError::Malformed {
                table: "glyf",
                detail: "too many glyphs".into(),
            });
        }
    }
    let new_of = |g: u16| new_id.get(&g).copied().unwrap_or(0);
    let n = order.len() as u16;

    // glyf + loca (long offsets), hmtx.
    let mut new_glyf = Vec::new();
    let mut new_loca = Vec::with_capacity((order.len() + 1) * 4);
    let mut hmtx = Vec::with_capacity(order.len() * 4);
    let mut max_advance = 0u16;
    let (mut min_lsb, mut min_rsb, mut max_extent) = (i16::MAX, i16::MAX, i16::MIN);
    for &old in &order {
        new_loca.extend_from_slice(&(new_glyf.len() as u32).to_be_bytes());
        let mut g = glyf.data(old)?.to_vec();
        for (at, comp) in components(&g)? {
            let nid = new_of(comp);
            g[at..at + 2].copy_from_slice(&nid.to_be_bytes());
        }
        let adv = face.glyph_hor_advance(GlyphId(old)).unwrap_or(0);
        let lsb = face.glyph_hor_side_bearing(GlyphId(old)).unwrap_or(0);
        max_advance = max_advance.max(adv);
        if g.len() >= 10 {
            let x_min = be16(&g, 2, "glyf")? as i16;
            let x_max = be16(&g, 6, "glyf")? as i16;
            min_lsb = min_lsb.min(lsb);
            min_rsb = min_rsb.min(
                (i32::from(adv) - i32::from(lsb) - (i32::from(x_max) - i32::from(x_min))) as i16,
            );
            max_extent =
                max_extent.max((i32::from(lsb) + i32::from(x_max) - i32::from(x_min)) as i16);
        }
        hmtx.extend_from_slice(&adv.to_be_bytes());
        hmtx.extend_from_slice(&lsb.to_be_bytes());
        new_glyf.extend_from_slice(&g);
        while new_glyf.len() % 4 != 0 {
            new_glyf.push(0);
        }
    }
    new_loca.extend_from_slice(&(new_glyf.len() as u32).to_be_bytes());
    if min_lsb == i16::MAX {
        (min_lsb, min_rsb, max_extent) = (0, 0, 0);
    }

    // cmap: format 4, one segment per run of consecutive codes with consecutive glyph ids.
    let cmap = build_cmap4(&mapped, new_of);

    // head: long loca, checksum adjustment zeroed (set at the end).
    let mut new_head = head.to_vec();
    new_head[8..12].copy_from_slice(&[0; 4]);
    new_head[50..52].copy_from_slice(&1u16.to_be_bytes());
    // hhea: metrics for every glyph.
    let mut new_hhea = hhea.to_vec();
    new_hhea[10..12].copy_from_slice(&max_advance.to_be_bytes());
    new_hhea[12..14].copy_from_slice(&min_lsb.to_be_bytes());
    new_hhea[14..16].copy_from_slice(&min_rsb.to_be_bytes());
    new_hhea[16..18].copy_from_slice(&max_extent.to_be_bytes());
    new_hhea[34..36].copy_from_slice(&n.to_be_bytes());
    // maxp: new glyph count (the other maxima stay valid upper bounds).
    let mut new_maxp = maxp.to_vec();
    new_maxp[4..6].copy_from_slice(&n.to_be_bytes());
    // post: format 3 (no glyph names), same header.
    let mut new_post = post[..32].to_vec();
    new_post[0..4].copy_from_slice(&0x0003_0000u32.to_be_bytes());

    let mut tables: Vec<([u8; 4], Vec<u8>)> = vec![
        (*b"cmap", cmap),
        (*b"glyf", new_glyf),
        (*b"head", new_head),
        (*b"hhea", new_hhea),
        (*b"hmtx", hmtx),
        (*b"loca", new_loca),
        (*b"maxp", new_maxp),
        (*b"post", new_post),
    ];
    for tag in [b"name", b"OS/2", b"cvt ", b"fpgm", b"prep", b"gasp"] {
        if let Some(t) = raw.table(Tag::from_bytes(tag)) {
            tables.push((*tag, t.to_vec()));
        }
    }
    tables.sort_by_key(|t| t.0);
    Ok(assemble(&tables))
}

fn build_cmap4(mapped: &[(u16, u16)], new_of: impl Fn(u16) -> u16) -> Vec<u8> {
    // Segments (start, end, delta).
    let mut segs: Vec<(u16, u16, u16)> = Vec::new();
    for &(code, old) in mapped {
        let gid = new_of(old);
        let delta = gid.wrapping_sub(code);
        match segs.last_mut() {
            Some((_, end, d)) if *end + 1 == code && *d == delta => *end = code,
            _ => segs.push((code, code, delta)),
        }
    }
    segs.push((0xFFFF, 0xFFFF, 1));
    let seg_x2 = (segs.len() * 2) as u16;
    let mut search_range = 2u16;
    let mut entry_selector = 0u16;
    while usize::from(search_range) * 2 <= segs.len() * 2 {
        search_range *= 2;
        entry_selector += 1;
    }
    let range_shift = seg_x2 - search_range;
    let mut sub = Vec::new();
    let len = 16 + segs.len() * 8;
    sub.extend_from_slice(&4u16.to_be_bytes());
    sub.extend_from_slice(&(len as u16).to_be_bytes());
    sub.extend_from_slice(&0u16.to_be_bytes()); // language
    sub.extend_from_slice(&seg_x2.to_be_bytes());
    sub.extend_from_slice(&search_range.to_be_bytes());
    sub.extend_from_slice(&entry_selector.to_be_bytes());
    sub.extend_from_slice(&range_shift.to_be_bytes());
    for s in &segs {
        sub.extend_from_slice(&s.1.to_be_bytes());
    }
    sub.extend_from_slice(&0u16.to_be_bytes()); // reservedPad
    for s in &segs {
        sub.extend_from_slice(&s.0.to_be_bytes());
    }
    for s in &segs {
        sub.extend_from_slice(&s.2.to_be_bytes());
    }
    for _ in &segs {
        sub.extend_from_slice(&0u16.to_be_bytes()); // idRangeOffset
    }
    // cmap header with two encoding records (Unicode BMP, Windows Unicode BMP) sharing it.
    let mut out = Vec::new();
    out.extend_from_slice(&0u16.to_be_bytes());
    out.extend_from_slice(&2u16.to_be_bytes());
    for (platform, encoding) in [(0u16, 3u16), (3, 1)] {
        out.extend_from_slice(&platform.to_be_bytes());
        out.extend_from_slice(&encoding.to_be_bytes());
        out.extend_from_slice(&20u32.to_be_bytes());
    }
    out.extend_from_slice(&sub);
    out
}

fn checksum(data: &[u8]) -> u32 {
    data.chunks(4).fold(0u32, |acc, c| {
        let mut w = [0u8; 4];
        w[..c.len()].copy_from_slice(c);
        acc.wrapping_add(u32::from_be_bytes(w))
    })
}

fn assemble(tables: &[([u8; 4], Vec<u8>)]) -> Vec<u8> {
    let num = tables.len() as u16;
    let mut pow = 1u16;
    let mut sel = 0u16;
    while pow * 2 <= num {
        pow *= 2;
        sel += 1;
    }
    let search_range = pow * 16;
    let mut out = Vec::new();
    out.extend_from_slice(&0x0001_0000u32.to_be_bytes());
    out.extend_from_slice(&num.to_be_bytes());
    out.extend_from_slice(&search_range.to_be_bytes());
    out.extend_from_slice(&sel.to_be_bytes());
    out.extend_from_slice(&(num * 16 - search_range).to_be_bytes());
    let mut offset = 12 + tables.len() * 16;
    let mut head_at = None;
    for (tag, t) in tables {
        out.extend_from_slice(tag);
        out.extend_from_slice(&checksum(t).to_be_bytes());
        out.extend_from_slice(&(offset as u32).to_be_bytes());
        out.extend_from_slice(&(t.len() as u32).to_be_bytes());
        offset += t.len().div_ceil(4) * 4;
    }
    for (tag, t) in tables {
        if tag == b"head" {
            head_at = Some(out.len());
        }
        out.extend_from_slice(t);
        while out.len() % 4 != 0 {
            out.push(0);
        }
    }
    if let Some(h) = head_at {
        let adj = 0xB1B0_AFBAu32.wrapping_sub(checksum(&out));
        out[h + 8..h + 12].copy_from_slice(&adj.to_be_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cmap4_groups_runs_and_ends_with_ffff() {
        let mapped = [(0x41u16, 10u16), (0x42, 11), (0x4E00, 50)];
        let new = |g: u16| match g {
            10 => 1,
            11 => 2,
            _ => 3,
        };
        let c = build_cmap4(&mapped, new);
        // header(4) + 2 records(16) → subtable at 20; segCountX2 at 20+6.
        assert_eq!(
            u16::from_be_bytes([c[26], c[27]]),
            6,
            "3 segments incl. 0xFFFF"
        );
    }

    #[test]
    fn checksum_pads_the_tail() {
        assert_eq!(checksum(&[0, 0, 0, 1, 1]), 1 + 0x0100_0000);
    }
}
