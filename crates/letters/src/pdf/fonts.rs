//! Open CJK fonts for the PDF, found on the system at run time (never downloaded).
//!
//! Each GB/T 9704 role (小标宋, 仿宋, 楷体, 黑体, 宋体) maps to a list of candidate faces, the first
//! one found wins; every role then falls back, character by character, to Noto Serif/Sans CJK
//! **SC** (named explicitly: a `.ttc` also holds the JP/KR/TC faces) for names a face lacks.
//! Debian packages: `fonts-noto-cjk` (required), `fonts-arphic-ukai` (楷体, optional),
//! `texlive-lang-chinese` (FandolFang 仿宋, optional).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::LetterError;

/// The typefaces GB/T 9704 names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FontRole {
    /// 方正小标宋简体: 发文机关标志 and the title.
    XiaoBiaoSong,
    /// 仿宋_GB2312: the body.
    FangSong,
    /// 楷体_GB2312: `（一）` headings.
    Kai,
    /// 黑体: `一、` headings.
    Hei,
    /// 宋体: page numbers.
    Song,
}

impl FontRole {
    pub const ALL: [FontRole; 5] = [
        FontRole::XiaoBiaoSong,
        FontRole::FangSong,
        FontRole::Kai,
        FontRole::Hei,
        FontRole::Song,
    ];

    /// The name on government machines (what the DOCX asks for).
    pub fn government_name(self) -> &'static str {
        match self {
            FontRole::XiaoBiaoSong => "方正小标宋简体",
            FontRole::FangSong => "仿宋_GB2312",
            FontRole::Kai => "楷体_GB2312",
            FontRole::Hei => "黑体",
            FontRole::Song => "宋体",
        }
    }

    /// Open stand-ins, best first: (file name, family inside the file or "" for any).
    fn candidates(self) -> &'static [(&'static str, &'static str)] {
        const SERIF: (&str, &str) = ("NotoSerifCJK-Regular.ttc", "Noto Serif CJK SC");
        const SERIF_BOLD: (&str, &str) = ("NotoSerifCJK-Bold.ttc", "Noto Serif CJK SC");
        const SANS: (&str, &str) = ("NotoSansCJK-Regular.ttc", "Noto Sans CJK SC");
        match self {
            FontRole::XiaoBiaoSong => &[
                ("NotoSerifCJK-Black.ttc", "Noto Serif CJK SC"),
                SERIF_BOLD,
                ("NotoSerifCJKsc-Bold.otf", ""),
                SERIF,
            ],
            FontRole::FangSong => &[
                ("FandolFang-Regular.otf", ""),
                SERIF,
                ("NotoSerifCJKsc-Regular.otf", ""),
            ],
            FontRole::Kai => &[
                ("FandolKai-Regular.otf", ""),
                ("ukai.ttc", "AR PL UKai CN"),
                ("LXGWWenKai-Regular.ttf", ""),
                SERIF,
            ],
            FontRole::Hei => &[
                SANS,
                ("NotoSansCJKsc-Regular.otf", ""),
                ("wqy-microhei.ttc", ""),
            ],
            FontRole::Song => &[
                SERIF,
                ("NotoSerifCJKsc-Regular.otf", ""),
                ("uming.ttc", "AR PL UMing CN"),
            ],
        }
    }
}

/// The per-character fallback after a role's own face: Noto Serif CJK SC, Noto Sans CJK SC,
/// then WenQuanYi Micro Hei.
const FALLBACK: &[(&str, &str)] = &[
    ("NotoSerifCJK-Regular.ttc", "Noto Serif CJK SC"),
    ("NotoSerifCJKsc-Regular.otf", ""),
    ("NotoSansCJK-Regular.ttc", "Noto Sans CJK SC"),
    ("NotoSansCJKsc-Regular.otf", ""),
    ("wqy-microhei.ttc", ""),
];

/// One face of a font file (its bytes are read when a letter needs it).
pub(crate) struct Face {
    pub path: PathBuf,
    pub index: u32,
    pub family: String,
}

/// The faces found for every role. Discovery reads each candidate file once to pick the face;
/// the font files (20–27 MB each) are not kept in memory: each render reads the faces it uses,
/// fallback faces only when a character needs them.
pub struct FontSet {
    pub(crate) faces: Vec<Face>,
    /// Per role: indices into `faces`, the role's face first, then the fallbacks.
    pub(crate) chains: BTreeMap<FontRole, Vec<usize>>,
}

impl FontSet {
    /// Looks in `$JIANCHA_FONT_DIRS` (`:`-separated), then the usual font directories
    /// (`/usr/share/fonts`, `/usr/local/share/fonts`, `~/.local/share/fonts`,
    /// `/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol`).
    pub fn discover() -> Result<FontSet, LetterError> {
        let mut dirs: Vec<PathBuf> = std::env::var_os("JIANCHA_FONT_DIRS")
            .map(|v| std::env::split_paths(&v).collect())
            .unwrap_or_default();
        dirs.extend(
            [
                "/usr/share/fonts",
                "/usr/local/share/fonts",
                "/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol",
            ]
            .map(PathBuf::from),
        );
        if let Some(home) = std::env::var_os("HOME") {
            dirs.push(Path::new(&home).join(".local/share/fonts"));
        }
        FontSet::from_dirs(&dirs)
    }

    /// Looks only in `dirs` (searched recursively, earlier directories win).
    pub fn from_dirs(dirs: &[PathBuf]) -> Result<FontSet, LetterError> {
        let mut files: BTreeMap<String, PathBuf> = BTreeMap::new();
        for d in dirs {
            walk(d, 0, &mut files);
        }
        let mut set = FontSet {
            faces: Vec::new(),
            chains: BTreeMap::new(),
        };
        for role in FontRole::ALL {
            let mut chain = Vec::new();
            for (file, family) in role.candidates().iter().chain(FALLBACK) {
                if let Some(path) = files.get(*file) {
                    if let Some(i) = set.face(path, family)? {
                        if !chain.contains(&i) {
                            chain.push(i);
                        }
                    }
                }
            }
            if chain.is_empty() {
                return Err(LetterError::Font(format!(
                    "no open font found for {} ({}); install the Debian package fonts-noto-cjk, or set JIANCHA_FONT_DIRS (searched: {})",
                    role.government_name(),
                    role.candidates().iter().map(|(f, _)| *f).collect::<Vec<_>>().join(", "),
                    dirs.iter().map(|d| d.display().to_string()).collect::<Vec<_>>().join(":")
                )));
            }
            set.chains.insert(role, chain);
        }
        Ok(set)
    }

    /// Finds (once) the face of `path` whose family is `family` ("" = the first face).
    fn face(&mut self, path: &Path, family: &str) -> Result<Option<usize>, LetterError> {
        if let Some(i) = self
            .faces
            .iter()
            .position(|f| f.path == path && (family.is_empty() || f.family == family))
        {
            return Ok(Some(i));
        }
        let data = read(path)?;
        let count = ttf_parser::fonts_in_collection(&data).unwrap_or(1);
        for index in 0..count {
            let Ok(face) = ttf_parser::Face::parse(&data, index) else {
                continue;
            };
            let fam = family_name(&face).unwrap_or_default();
            if family.is_empty() || fam == family {
                self.faces.push(Face {
                    path: path.to_path_buf(),
                    index,
                    family: fam,
                });
                return Ok(Some(self.faces.len() - 1));
            }
        }
        Ok(None)
    }

    /// What each role resolved to: `(role, [family (file), …fallbacks])`, for diagnostics.
    pub fn describe(&self) -> Vec<(FontRole, Vec<String>)> {
        self.chains
            .iter()
            .map(|(r, c)| {
                (
                    *r,
                    c.iter()
                        .map(|&i| {
                            format!(
                                "{} ({})",
                                self.faces[i].family,
                                self.faces[i].path.display()
                            )
                        })
                        .collect(),
                )
            })
            .collect()
    }
}

/// Reads a font file (for discovery and for each render).
pub(crate) fn read(path: &Path) -> Result<Vec<u8>, LetterError> {
    std::fs::read(path)
        .map_err(|e| LetterError::Font(format!("cannot read {}: {e}", path.display())))
}

fn walk(dir: &Path, depth: u32, out: &mut BTreeMap<String, PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            if depth < 6 {
                walk(&p, depth + 1, out);
            }
        } else if let Some(name) = p.file_name().and_then(|n| n.to_str()) {
            out.entry(name.to_string()).or_insert(p.clone());
        }
    }
}

/// The typographic family (name ID 16) or else the family (ID 1), in English when present.
fn family_name(face: &ttf_parser::Face) -> Option<String> {
    let names = face.names();
    let pick = |id: u16| {
        let mut best = None;
        for n in names
            .into_iter()
            .filter(|n| n.name_id == id && n.is_unicode())
        {
            if let Some(s) = n.to_string() {
                if n.language_id == 0x0409 {
                    return Some(s);
                }
                best.get_or_insert(s);
            }
        }
        best
    };
    pick(ttf_parser::name_id::TYPOGRAPHIC_FAMILY).or_else(|| pick(ttf_parser::name_id::FAMILY))
}

/// The PostScript name (ID 6), for `/BaseFont`.
pub(crate) fn postscript_name(face: &ttf_parser::Face) -> String {
    face.names()
        .into_iter()
        .filter(|n| n.name_id == ttf_parser::name_id::POST_SCRIPT_NAME)
        .find_map(|n| n.to_string())
        .unwrap_or_else(|| "CJKFont".to_string())
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect()
}
