//! PDF: the GB/T 9704 page laid out by hand (a 22 × 28 grid for the body), written with
//! `pdf-writer`, open CJK fonts embedded as subsets (`subsetter`), text selectable through a
//! ToUnicode map on every font.

pub mod fonts;

use std::cell::OnceCell;
use std::collections::BTreeMap;
use std::io::Write;

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

use crate::layout::*;
use crate::model::{classify, Heading, LetterData};
use crate::LetterError;
use fonts::{FontRole, FontSet};
#[cfg(test)]
use std::path::PathBuf;

/// The ideographic em box: the baseline sits 0.88 em below its top (Noto CJK, Fandol, UKai).
const ASCENT: f32 = 0.88;
const RED: [f32; 3] = [1.0, 0.0, 0.0];
const BLACK: [f32; 3] = [0.0, 0.0, 0.0];

/// Renders the letter as PDF bytes with fonts from `fonts`.
pub fn render_pdf(letter: &LetterData, fonts: &FontSet) -> Result<Vec<u8>, LetterError> {
    letter.validate()?;
    let n = fonts.faces.len();
    let data: Vec<OnceCell<Vec<u8>>> = (0..n).map(|_| OnceCell::new()).collect();
    let faces: Vec<OnceCell<ttf_parser::Face>> = (0..n).map(|_| OnceCell::new()).collect();
    let mut lay = Layout {
        fonts,
        data: &data,
        faces: &faces,
        used: vec![BTreeMap::new(); n],
    };
    let pages = lay.letter(letter)?;
    write_pdf(letter, &lay, &pages)
}

#[derive(Debug, Clone, Copy)]
struct Glyph {
    face: usize,
    gid: u16,
    ch: char,
    /// Advance in em.
    adv: f32,
}

/// A glyph placed on a line: x from the page's left edge.
#[derive(Debug, Clone, Copy)]
struct Placed {
    g: Glyph,
    x: f32,
}

#[derive(Debug, Clone)]
enum Draw {
    None,
    /// Glyphs with their baseline `baseline` below the item's top.
    Text {
        glyphs: Vec<Placed>,
        size: f32,
        baseline: f32,
        color: [f32; 3],
    },
    /// A horizontal rule `at` below the item's top, across the type area.
    Rule {
        at: f32,
        width: f32,
        color: [f32; 3],
    },
}

#[derive(Debug, Clone)]
struct Item {
    height: f32,
    keep_with_next: bool,
    draw: Draw,
}

impl Item {
    fn blank(keep_with_next: bool) -> Item {
        Item {
            height: LINE_PITCH,
            keep_with_next,
            draw: Draw::None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Align {
    Justify,
    Left,
    Center,
    Right,
}

/// One paragraph to set: runs of text in font roles.
struct Par<'a> {
    runs: Vec<(FontRole, &'a str)>,
    size: f32,
    /// Full-width glyphs on the 28-per-line character grid.
    grid: bool,
    align: Align,
    /// Offset of the first line / the following lines from the type area's left edge.
    first_x: f32,
    rest_x: f32,
    right: f32,
    pitch: f32,
    color: [f32; 3],
}

impl<'a> Par<'a> {
    fn body(runs: Vec<(FontRole, &'a str)>) -> Par<'a> {
        Par {
            runs,
            size: 16.0,
            grid: true,
            align: Align::Justify,
            first_x: 2.0 * CHAR_PITCH,
            rest_x: 0.0,
            right: 0.0,
            pitch: LINE_PITCH,
            color: BLACK,
        }
    }
}

type Page = Vec<(f32, Item)>;

struct Layout<'f> {
    fonts: &'f FontSet,
    /// Font bytes and parsed faces, loaded on first use.
    data: &'f [OnceCell<Vec<u8>>],
    faces: &'f [OnceCell<ttf_parser::Face<'f>>],
    /// Per face: the glyphs used and the character each one stands for (ToUnicode).
    used: Vec<BTreeMap<u16, char>>,
}

impl<'f> Layout<'f> {
    fn face(&self, i: usize) -> Result<&'f ttf_parser::Face<'f>, LetterError> {
        let (faces, data) = (self.faces, self.data);
        if let Some(f) = faces[i].get() {
            return Ok(f);
        }
        let info = &self.fonts.faces[i];
        if data[i].get().is_none() {
            let _ = data[i].set(fonts::read(&info.path)?);
        }
        let bytes = data[i].get().expect("just set");
        let face = ttf_parser::Face::parse(bytes, info.index)
            .map_err(|e| LetterError::Font(format!("{}: {e}", info.path.display())))?;
        let _ = faces[i].set(face);
        Ok(faces[i].get().expect("just set"))
    }

    fn glyphs(
        &mut self,
        role: FontRole,
        text: &str,
        context: &str,
    ) -> Result<Vec<Glyph>, LetterError> {
        let chain = &self.fonts.chains[&role];
        let mut out = Vec::with_capacity(text.len());
        // Tabs print as spaces; other control characters (e.g. a stray \r from an edited
        // body) are dropped rather than reported as unprintable.
        let chars = text.chars().filter_map(|c| match c {
            '\t' => Some(' '),
            '\n' => Some('\n'),
            c if c.is_control() => None,
            c => Some(c),
        });
        for ch in chars {
            if ch == '\n' {
                // A forced line break (titles): never drawn, split off by `par`.
                out.push(Glyph {
                    face: 0,
                    gid: 0,
                    ch,
                    adv: 0.0,
                });
                continue;
            }
            let mut found = None;
            for &i in chain {
                if let Some(g) = self.face(i)?.glyph_index(ch).filter(|g| g.0 != 0) {
                    found = Some((i, g));
                    break;
                }
            }
            let Some((face, gid)) = found else {
                return Err(LetterError::MissingGlyph {
                    ch,
                    code: ch as u32,
                    context: context.to_string(),
                });
            };
            let f = self.face(face)?;
            let adv = f.glyph_hor_advance(gid).unwrap_or(0) as f32 / f.units_per_em() as f32;
            self.used[face].entry(gid.0).or_insert(ch);
            out.push(Glyph {
                face,
                gid: gid.0,
                ch,
                adv,
            });
        }
        Ok(out)
    }

    fn advance(g: &Glyph, size: f32, grid: bool) -> f32 {
        if grid && g.adv > 0.99 {
            CHAR_PITCH * size / 16.0
        } else {
            g.adv * size
        }
    }

    /// Sets a paragraph into line items.
    fn par(&mut self, p: &Par, context: &str) -> Result<Vec<Item>, LetterError> {
        let mut glyphs = Vec::new();
        for (role, text) in &p.runs {
            glyphs.extend(self.glyphs(*role, text, context)?);
        }
        // Explicit line breaks (titles) split the paragraph into segments set separately.
        let mut items = Vec::new();
        let mut first = true;
        for seg in glyphs.split(|g| g.ch == '\n') {
            let advs: Vec<f32> = seg
                .iter()
                .map(|g| Self::advance(g, p.size, p.grid))
                .collect();
            let avail = |first: bool| TYPE_W - p.right - if first { p.first_x } else { p.rest_x };
            let lines = break_lines(seg, &advs, avail(first), avail(false), p.size);
            let n = lines.len();
            for (li, r) in lines.into_iter().enumerate() {
                let is_first = first && li == 0;
                let last = li + 1 == n;
                let w: f32 = advs[r.clone()].iter().sum();
                let room = avail(is_first);
                let x0 = MARGIN_LEFT + if is_first { p.first_x } else { p.rest_x };
                let count = r.len();
                let (start, extra) = match p.align {
                    Align::Justify if !last && count > 1 => (x0, (room - w) / (count - 1) as f32),
                    Align::Justify | Align::Left => (x0, 0.0),
                    Align::Center => (x0 + (room - w) / 2.0, 0.0),
                    Align::Right => (x0 + room - w, 0.0),
                };
                let mut x = start;
                let mut placed = Vec::with_capacity(count);
                for i in r {
                    placed.push(Placed { g: seg[i], x });
                    x += advs[i] + extra;
                }
                let baseline = (p.pitch - p.size) / 2.0 + ASCENT * p.size;
                items.push(Item {
                    height: p.pitch,
                    keep_with_next: false,
                    draw: Draw::Text {
                        glyphs: placed,
                        size: p.size,
                        baseline,
                        color: p.color,
                    },
                });
            }
            first = false;
        }
        Ok(items)
    }

    fn letter(&mut self, l: &LetterData) -> Result<Vec<Page>, LetterError> {
        let mut items: Vec<Item> = Vec::new();

        // 发文机关标志: red 小标宋, centred, top edge 35 mm below the type area's top.
        let n = l.issuer.chars().count().max(1) as f32;
        let ms = (SZ_MARK_MAX as f32 / 2.0)
            .min(TYPE_W / n)
            .max(SZ_TITLE as f32 / 2.0);
        let gap = mm(MARK_OFFSET_MM);
        let mark = Par {
            runs: vec![(FontRole::XiaoBiaoSong, &l.issuer)],
            size: ms,
            grid: false,
            align: Align::Center,
            first_x: 0.0,
            rest_x: 0.0,
            right: 0.0,
            pitch: ms,
            color: RED,
        };
        for (i, mut it) in self
            .par(&mark, "发文机关标志 (issuer)")?
            .into_iter()
            .enumerate()
        {
            if i == 0 {
                it.height += gap;
                if let Draw::Text { baseline, .. } = &mut it.draw {
                    *baseline = gap + ASCENT * ms;
                }
            }
            items.push(it);
        }
        items.push(Item::blank(false));
        items.push(Item::blank(false));

        // 发文字号, centred; the red separator 4 mm below it.
        let no = Par {
            align: Align::Center,
            first_x: 0.0,
            ..Par::body(vec![(FontRole::FangSong, &l.doc_no)])
        };
        items.extend(self.par(&no, "发文字号 (doc_no)")?);
        let rule_below = mm(RULE_GAP_MM) - (LINE_PITCH - 16.0) / 2.0;
        items.push(Item {
            height: rule_below,
            keep_with_next: false,
            draw: Draw::Rule {
                at: rule_below,
                width: RED_RULE_PT,
                color: RED,
            },
        });
        items.push(Item::blank(false));
        items.push(Item::blank(false));

        // 标题: 2号 小标宋, centred, fixed 35 pt lines.
        let title = Par {
            runs: vec![(FontRole::XiaoBiaoSong, &l.title)],
            size: SZ_TITLE as f32 / 2.0,
            grid: false,
            align: Align::Center,
            first_x: 0.0,
            rest_x: 0.0,
            right: 0.0,
            pitch: TITLE_PITCH_TW as f32 / 20.0,
            color: BLACK,
        };
        items.extend(self.par(&title, "标题 (title)")?);
        items.push(Item::blank(false));

        // 主送机关, flush left.
        let recipient = format!("{}：", l.recipient);
        let to = Par {
            first_x: 0.0,
            ..Par::body(vec![(FontRole::FangSong, &recipient)])
        };
        items.extend(self.par(&to, "主送机关 (recipient)")?);

        // 正文 and the deadline paragraph.
        let mut pars: Vec<&str> = l
            .body
            .iter()
            .map(String::as_str)
            .filter(|p| !p.trim().is_empty())
            .collect();
        if let Some(d) = &l.deadline {
            pars.push(d);
        }
        for (i, p) in pars.iter().enumerate() {
            let (level, head, rest) = classify(p);
            let role = match level {
                Some(Heading::Level1) => FontRole::Hei,
                Some(Heading::Level2) => FontRole::Kai,
                None => FontRole::FangSong,
            };
            let mut runs = Vec::new();
            if !head.is_empty() {
                runs.push((role, head));
            }
            if !rest.is_empty() {
                runs.push((FontRole::FangSong, rest));
            }
            items.extend(self.par(
                &Par::body(runs),
                &format!("正文第{}段 (body paragraph {})", i + 1, i + 1),
            )?);
        }

        // 附件说明 (kept with the body's last line and the signature).
        if !l.attachments.is_empty() {
            if let Some(last) = items.last_mut() {
                last.keep_with_next = true;
            }
            items.push(Item::blank(true));
            let many = l.attachments.len() > 1;
            for (i, a) in l.attachments.iter().enumerate() {
                let num = if many {
                    format!("{}.", i + 1)
                } else {
                    String::new()
                };
                let text = if i == 0 {
                    format!("附件：{num}{a}")
                } else {
                    format!("{num}{a}")
                };
                let first_x = if i == 0 { 2.0 } else { 5.0 } * CHAR_PITCH;
                let p = Par {
                    first_x,
                    rest_x: 5.0 * CHAR_PITCH,
                    ..Par::body(vec![(FontRole::FangSong, &text)])
                };
                for mut it in self.par(&p, "附件说明 (attachments)")? {
                    it.keep_with_next = true;
                    items.push(it);
                }
            }
        }
        // The last line of the body keeps with the signature: no page with only the 落款.
        if let Some(last) = items.last_mut() {
            last.keep_with_next = true;
        }

        // 落款: 成文日期 4 characters in from the right, the issuer centred over it, two blank
        // lines above for the seal.
        items.push(Item::blank(true));
        items.push(Item::blank(true));
        let date = l.date.to_string();
        let mut sig = self.par(
            &Par {
                align: Align::Left,
                first_x: 0.0,
                ..Par::body(vec![(FontRole::FangSong, &l.signature)])
            },
            "落款 (signature)",
        )?;
        let mut dat = self.par(
            &Par {
                align: Align::Left,
                first_x: 0.0,
                ..Par::body(vec![(FontRole::FangSong, &date)])
            },
            "成文日期 (date)",
        )?;
        let right = MARGIN_LEFT + TYPE_W;
        let (wi, wd) = (line_width(&sig), line_width(&dat));
        let centre = (right - DATE_RIGHT_CHARS * CHAR_PITCH - wd / 2.0)
            .min(right - 2.0 * CHAR_PITCH - wi / 2.0)
            .max(MARGIN_LEFT + wi.max(wd) / 2.0);
        for (its, w) in [(&mut sig, wi), (&mut dat, wd)] {
            shift_to(its, centre - w / 2.0);
        }
        for it in &mut sig {
            it.keep_with_next = true;
        }
        items.extend(sig);
        items.extend(dat);

        // 附注.
        if let Some(note) = &l.note {
            let text = format!("（{note}）");
            items.extend(self.par(&Par::body(vec![(FontRole::FangSong, &text)]), "附注 (note)")?);
        }

        let mut pages = paginate(items);
        self.banji(l, &mut pages)?;
        self.page_numbers(&mut pages)?;
        Ok(pages)
    }

    /// 版记 at the bottom of the last page's type area: 抄送 and 印发 between rules (4号).
    fn banji(&mut self, l: &LetterData, pages: &mut Vec<Page>) -> Result<(), LetterError> {
        let c = 14.0; // one 4号 character
        let mut block: Vec<Item> = Vec::new();
        block.push(Item {
            height: 0.0,
            keep_with_next: false,
            draw: Draw::Rule {
                at: 0.0,
                width: BANJI_THICK_PT,
                color: BLACK,
            },
        });
        if !l.cc.is_empty() {
            let cc = format!("抄送：{}。", l.cc.join("，"));
            let p = Par {
                runs: vec![(FontRole::FangSong, &cc)],
                size: 14.0,
                grid: false,
                align: Align::Justify,
                first_x: c,
                rest_x: 4.0 * c,
                right: c,
                pitch: LINE_PITCH,
                color: BLACK,
            };
            block.extend(self.par(&p, "抄送 (cc)")?);
            block.push(Item {
                height: 0.0,
                keep_with_next: false,
                draw: Draw::Rule {
                    at: 0.0,
                    width: BANJI_THIN_PT,
                    color: BLACK,
                },
            });
        }
        let by = Par {
            runs: vec![(FontRole::FangSong, &l.printed_by)],
            size: 14.0,
            grid: false,
            align: Align::Left,
            first_x: c,
            rest_x: c,
            right: c,
            pitch: LINE_PITCH,
            color: BLACK,
        };
        let mut line = self.par(&by, "印发机关 (printed_by)")?;
        let on = format!("{}印发", l.printed_on);
        let on_p = Par {
            runs: vec![(FontRole::FangSong, &on)],
            align: Align::Right,
            ..by
        };
        let on_line = self.par(&on_p, "印发日期 (printed_on)")?;
        if let (
            Some(Item {
                draw: Draw::Text { glyphs, .. },
                ..
            }),
            Some(Item {
                draw: Draw::Text { glyphs: more, .. },
                ..
            }),
        ) = (line.first_mut(), on_line.first())
        {
            glyphs.extend(more.iter().copied());
        }
        block.extend(line.into_iter().take(1));
        block.push(Item {
            height: 0.0,
            keep_with_next: false,
            draw: Draw::Rule {
                at: 0.0,
                width: BANJI_THICK_PT,
                color: BLACK,
            },
        });

        let h: f32 = block.iter().map(|i| i.height).sum();
        let end = pages
            .last()
            .and_then(|p| p.last())
            .map(|(y, it)| y + it.height)
            .unwrap_or(MARGIN_TOP);
        if end > TYPE_BOTTOM - h - LINE_PITCH / 2.0 {
            pages.push(Vec::new());
        }
        let page = pages.last_mut().expect("a page");
        let mut y = TYPE_BOTTOM - h;
        for it in block {
            let hgt = it.height;
            page.push((y, it));
            y += hgt;
        }
        Ok(())
    }

    /// "— N —" in 4号 宋体, 7 mm below the type area; odd pages right, even pages left, 1 char in.
    fn page_numbers(&mut self, pages: &mut [Page]) -> Result<(), LetterError> {
        for (i, page) in pages.iter_mut().enumerate() {
            let n = i + 1;
            let text = format!("— {n} —");
            let odd = n % 2 == 1;
            let p = Par {
                runs: vec![(FontRole::Song, &text)],
                size: 14.0,
                grid: false,
                align: if odd { Align::Right } else { Align::Left },
                first_x: if odd { 0.0 } else { 14.0 },
                rest_x: 0.0,
                right: if odd { 14.0 } else { 0.0 },
                pitch: 14.0,
                color: BLACK,
            };
            for mut it in self.par(&p, "页码 (page number)")? {
                if let Draw::Text { baseline, .. } = &mut it.draw {
                    *baseline = ASCENT * 14.0;
                }
                page.push((TYPE_BOTTOM + mm(PAGE_NO_GAP_MM), it));
            }
        }
        Ok(())
    }
}

fn line_width(items: &[Item]) -> f32 {
    match items.first().map(|i| &i.draw) {
        Some(Draw::Text { glyphs, size, .. }) => match (glyphs.first(), glyphs.last()) {
            (Some(a), Some(b)) => b.x + b.g.adv * size - a.x,
            _ => 0.0,
        },
        _ => 0.0,
    }
}

fn shift_to(items: &mut [Item], x: f32) {
    for it in items {
        if let Draw::Text { glyphs, .. } = &mut it.draw {
            if let Some(dx) = glyphs.first().map(|g| x - g.x) {
                for g in glyphs {
                    g.x += dx;
                }
            }
        }
    }
}

/// Characters that must not start a line (行首禁则) or end one (行尾禁则).
fn no_start(c: char) -> bool {
    "，。、；：？！）》」』】〕”’…—·％,.;:?!)]%".contains(c)
}
fn no_end(c: char) -> bool {
    "（《「『【〔“‘([".contains(c)
}
fn word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-_./@:".contains(c)
}

/// Greedy line breaking with the CJK line-start/end rules and unbroken ASCII words; a
/// line-start-forbidden punctuation mark may be squeezed into the line (挤进: at most one
/// character's width, absorbed by the justification, ~0.6 pt per gap on a 28-character line);
/// a second one pushes the last character down with them (推出).
fn break_lines(
    g: &[Glyph],
    adv: &[f32],
    first: f32,
    rest: f32,
    size: f32,
) -> Vec<std::ops::Range<usize>> {
    let can_break_before = |i: usize| -> bool {
        if i == 0 {
            return false;
        }
        let (a, b) = (g[i - 1].ch, g[i].ch);
        let inside_word = word_char(a) && word_char(b);
        !(no_start(b) || no_end(a) || inside_word)
    };
    let mut lines = Vec::new();
    let mut start = 0;
    let mut w = 0.0;
    let mut i = 0;
    while i < g.len() {
        let room = if lines.is_empty() { first } else { rest };
        if i > start && w + adv[i] > room + 0.01 {
            if no_start(g[i].ch) && w + adv[i] <= room + size + 0.01 {
                w += adv[i];
                i += 1;
                continue;
            }
            let b = (start + 1..=i)
                .rev()
                .find(|&j| can_break_before(j))
                .unwrap_or(i);
            lines.push(start..b);
            start = b;
            w = adv[start..i].iter().sum();
            continue;
        }
        w += adv[i];
        i += 1;
    }
    if start < g.len() || lines.is_empty() {
        lines.push(start..g.len());
    }
    lines
}

/// Fills pages from the type area's top; a chain of keep-with-next items moves as one.
fn paginate(items: Vec<Item>) -> Vec<Page> {
    let mut pages: Vec<Page> = vec![Vec::new()];
    let mut y = MARGIN_TOP;
    let mut pending: std::collections::VecDeque<Item> = items.into();
    while let Some(it) = pending.pop_front() {
        let page = pages.last_mut().expect("a page");
        if y + it.height > TYPE_BOTTOM + 0.01 && !page.is_empty() {
            // Carry the keep-with-next chain that ends here, unless it is the whole page.
            let mut k = page.len();
            while k > 0 && page[k - 1].1.keep_with_next {
                k -= 1;
            }
            pending.push_front(it);
            if k > 0 {
                for (_, moved) in page.drain(k..).rev() {
                    pending.push_front(moved);
                }
            }
            pages.push(Vec::new());
            y = MARGIN_TOP;
            continue;
        }
        let h = it.height;
        page.push((y, it));
        y += h;
    }
    pages
}

fn subset_tag(face: usize, gids: &[u16]) -> String {
    let mut h: u32 = 0x811c_9dc5 ^ face as u32;
    for g in gids {
        h = (h ^ *g as u32).wrapping_mul(0x0100_0193);
    }
    (0..6)
        .map(|i| (b'A' + ((h >> (i * 5)) % 26) as u8) as char)
        .collect()
}

fn deflate(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).expect("writing to a Vec");
    e.finish().expect("writing to a Vec")
}

fn write_pdf(l: &LetterData, lay: &Layout, pages: &[Page]) -> Result<Vec<u8>, LetterError> {
    let (fonts, used) = (lay.fonts, &lay.used);
    let mut pdf = Pdf::new();
    let mut next = 1;
    let mut alloc = || {
        let r = Ref::new(next);
        next += 1;
        r
    };
    let catalog = alloc();
    let tree = alloc();
    let info = alloc();

    // Fonts: one Type0/CIDFont per face used, subset, with a ToUnicode map.
    let mut remaps: Vec<Option<subsetter::GlyphRemapper>> = Vec::new();
    let mut font_refs: Vec<Option<Ref>> = Vec::new();
    let system_info = SystemInfo {
        registry: Str(b"Adobe"),
        ordering: Str(b"Identity"),
        supplement: 0,
    };
    for (fi, glyphs) in used.iter().enumerate() {
        if glyphs.is_empty() {
            remaps.push(None);
            font_refs.push(None);
            continue;
        }
        let face = lay.face(fi)?;
        let src = &fonts.faces[fi];
        let src_data = lay.data[fi].get().expect("a used face is loaded");
        let gids: Vec<u16> = glyphs.keys().copied().collect();
        let mut remap = subsetter::GlyphRemapper::new();
        for g in &gids {
            remap.remap(*g);
        }
        let sub = subsetter::subset(src_data, src.index, &remap)
            .map_err(|e| LetterError::Font(format!("subsetting {}: {e}", src.path.display())))?;
        let raw = ttf_parser::RawFace::parse(&sub, 0)
            .map_err(|e| LetterError::Font(format!("subset of {}: {e}", src.path.display())))?;
        let cff = raw.table(ttf_parser::Tag::from_bytes(b"CFF "));
        let base = format!("{}+{}", subset_tag(fi, &gids), fonts::postscript_name(face));
        let upem = face.units_per_em() as f32;
        let to1000 = |v: f32| v * 1000.0 / upem;

        let (type0, cid, desc, file, cmap) = (alloc(), alloc(), alloc(), alloc(), alloc());
        pdf.type0_font(type0)
            .base_font(Name(base.as_bytes()))
            .encoding_predefined(Name(b"Identity-H"))
            .descendant_font(cid)
            .to_unicode(cmap);
        let mut c = pdf.cid_font(cid);
        c.subtype(if cff.is_some() {
            CidFontType::Type0
        } else {
            CidFontType::Type2
        });
        c.base_font(Name(base.as_bytes()))
            .system_info(system_info)
            .font_descriptor(desc)
            .default_width(0.0);
        if cff.is_none() {
            c.cid_to_gid_map_predefined(Name(b"Identity"));
        }
        let widths: Vec<f32> = remap
            .remapped_gids()
            .map(|old| {
                to1000(
                    face.glyph_hor_advance(ttf_parser::GlyphId(old))
                        .unwrap_or(0) as f32,
                )
            })
            .collect();
        c.widths().consecutive(0, widths);
        c.finish();
        let bbox = face.global_bounding_box();
        let mut d = pdf.font_descriptor(desc);
        d.name(Name(base.as_bytes()))
            .flags(FontFlags::SYMBOLIC)
            .bbox(Rect::new(
                to1000(bbox.x_min as f32),
                to1000(bbox.y_min as f32),
                to1000(bbox.x_max as f32),
                to1000(bbox.y_max as f32),
            ))
            .italic_angle(0.0)
            .ascent(to1000(face.ascender() as f32))
            .descent(to1000(face.descender() as f32))
            .cap_height(to1000(
                face.capital_height().unwrap_or(face.ascender()) as f32
            ))
            .stem_v(80.0);
        if cff.is_some() {
            d.font_file3(file);
        } else {
            d.font_file2(file);
        }
        d.finish();
        match cff {
            Some(table) => {
                pdf.stream(file, &deflate(table))
                    .filter(Filter::FlateDecode)
                    .pair(Name(b"Subtype"), Name(b"CIDFontType0C"));
            }
            None => {
                pdf.stream(file, &deflate(&sub)).filter(Filter::FlateDecode);
            }
        }
        let mut cm = UnicodeCmap::new(Name(b"Custom"), system_info);
        for (old, ch) in glyphs {
            if let Some(new) = remap.get(*old) {
                cm.pair(new, *ch);
            }
        }
        pdf.cmap(cmap, &deflate(&cm.finish()))
            .filter(Filter::FlateDecode);
        remaps.push(Some(remap));
        font_refs.push(Some(type0));
    }
    let page_ids: Vec<Ref> = pages.iter().map(|_| alloc()).collect();
    let content_ids: Vec<Ref> = pages.iter().map(|_| alloc()).collect();
    pdf.pages(tree)
        .kids(page_ids.iter().copied())
        .count(pages.len() as i32);
    for (pi, page) in pages.iter().enumerate() {
        let mut content = Content::new();
        for (y, it) in page {
            match &it.draw {
                Draw::None => {}
                Draw::Rule { at, width, color } => {
                    let yy = PAGE_H - (y + at);
                    content
                        .set_stroke_rgb(color[0], color[1], color[2])
                        .set_line_width(*width);
                    content
                        .move_to(MARGIN_LEFT, yy)
                        .line_to(MARGIN_LEFT + TYPE_W, yy)
                        .stroke();
                }
                Draw::Text {
                    glyphs,
                    size,
                    baseline,
                    color,
                } => {
                    let yy = PAGE_H - (y + baseline);
                    content.begin_text();
                    content.set_fill_rgb(color[0], color[1], color[2]);
                    let mut k = 0;
                    while k < glyphs.len() {
                        let face = glyphs[k].g.face;
                        let end = glyphs[k..]
                            .iter()
                            .position(|p| p.g.face != face)
                            .map(|e| k + e)
                            .unwrap_or(glyphs.len());
                        let remap = remaps[face].as_ref().expect("face used");
                        let fname = format!("F{face}");
                        content.set_font(Name(fname.as_bytes()), *size);
                        content.set_text_matrix([1.0, 0.0, 0.0, 1.0, glyphs[k].x, yy]);
                        let mut tj = content.show_positioned();
                        let mut items = tj.items();
                        for j in k..end {
                            let p = glyphs[j];
                            let new = remap.get(p.g.gid).expect("glyph remapped");
                            items.show(Str(&new.to_be_bytes()));
                            if j + 1 < end {
                                let natural = p.g.adv * size;
                                let dx = glyphs[j + 1].x - p.x;
                                let adj = -(dx - natural) * 1000.0 / size;
                                if adj.abs() > 0.001 {
                                    items.adjust(adj);
                                }
                            }
                        }
                        items.finish();
                        tj.finish();
                        k = end;
                    }
                    content.end_text();
                }
            }
        }
        let data = deflate(&content.finish());
        pdf.stream(content_ids[pi], &data)
            .filter(Filter::FlateDecode);
        let mut p = pdf.page(page_ids[pi]);
        p.media_box(Rect::new(0.0, 0.0, PAGE_W, PAGE_H))
            .parent(tree)
            .contents(content_ids[pi]);
        let mut res = p.resources();
        let mut f = res.fonts();
        for (fi, r) in font_refs.iter().enumerate() {
            if let Some(r) = r {
                f.pair(Name(format!("F{fi}").as_bytes()), *r);
            }
        }
        f.finish();
        res.finish();
        p.finish();
    }
    pdf.catalog(catalog).pages(tree);
    let title = format!("{} {}", l.title.replace('\n', ""), l.doc_no);
    pdf.document_info(info)
        .title(TextStr(&title))
        .author(TextStr(&l.issuer))
        .producer(TextStr("jiancha-letters"));
    Ok(pdf.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glyphs(s: &str) -> (Vec<Glyph>, Vec<f32>) {
        let g: Vec<Glyph> = s
            .chars()
            .map(|ch| Glyph {
                face: 0,
                gid: 1,
                ch,
                adv: if ch.is_ascii() { 0.5 } else { 1.0 },
            })
            .collect();
        let adv = g.iter().map(|g| g.adv * 10.0).collect();
        (g, adv)
    }

    fn lines(s: &str, width_chars: f32) -> Vec<String> {
        let (g, adv) = glyphs(s);
        break_lines(&g, &adv, width_chars * 10.0, width_chars * 10.0, 10.0)
            .into_iter()
            .map(|r| g[r].iter().map(|g| g.ch).collect())
            .collect()
    }

    #[test]
    fn line_breaking_follows_the_cjk_rules() {
        assert_eq!(lines("一二三四五六七", 5.0), ["一二三四五", "六七"]);
        // A closing mark never starts a line: it overhangs (absorbed by the justification).
        assert_eq!(lines("一二三四五，六", 5.0), ["一二三四五，", "六"]);
        // Two closing marks: the second cannot overhang too, so a character moves down with them.
        assert_eq!(lines("一二三四五。”六", 5.0), ["一二三四", "五。”六"]);
        // An opening mark never ends a line.
        assert_eq!(lines("一二三四（五", 5.0), ["一二三四", "（五"]);
        // ASCII words (case numbers) are not split.
        assert_eq!(lines("一二XK26-0001号", 5.0), ["一二", "XK26-0001", "号"]);
        assert_eq!(lines("", 5.0), [""]);
    }

    #[test]
    fn names_a_face_lacks_fall_back_to_the_next_face() {
        let dirs = [PathBuf::from("/usr/share/fonts")];
        let all =
            FontSet::from_dirs(&dirs).expect("fonts-noto-cjk and fonts-wqy-microhei are needed");
        let wqy = all
            .faces
            .iter()
            .position(|f| f.path.ends_with("wqy-microhei.ttc"));
        let serif = all.faces.iter().position(|f| {
            f.family == "Noto Serif CJK SC" && f.path.ends_with("NotoSerifCJK-Regular.ttc")
        });
        let (Some(wqy), Some(serif)) = (wqy, serif) else {
            panic!("this test needs fonts-wqy-microhei and fonts-noto-cjk installed")
        };
        // A set whose 仿宋 face (WenQuanYi) lacks 𠮷 (U+20BB7, CJK Ext. B).
        let mut set = FontSet {
            faces: Vec::new(),
            chains: BTreeMap::new(),
        };
        for i in [wqy, serif] {
            let f = &all.faces[i];
            set.faces.push(fonts::Face {
                path: f.path.clone(),
                index: f.index,
                family: f.family.clone(),
            });
        }
        for role in FontRole::ALL {
            set.chains.insert(role, vec![0, 1]);
        }
        let n = set.faces.len();
        let data: Vec<OnceCell<Vec<u8>>> = (0..n).map(|_| OnceCell::new()).collect();
        let faces: Vec<OnceCell<ttf_parser::Face>> = (0..n).map(|_| OnceCell::new()).collect();
        let mut lay = Layout {
            fonts: &set,
            data: &data,
            faces: &faces,
            used: vec![BTreeMap::new(); n],
        };
        let g = lay.glyphs(FontRole::FangSong, "王𠮷", "test").unwrap();
        assert_eq!(
            (g[0].face, g[1].face),
            (0, 1),
            "王 from WenQuanYi, 𠮷 from Noto Serif CJK SC"
        );
        assert!(lay.used[1].values().any(|c| *c == '𠮷'));
        // The fallback face was read only because a character needed it.
        let mut lay2 = Layout {
            fonts: &set,
            data: &data[..],
            faces: &faces[..],
            used: vec![BTreeMap::new(); n],
        };
        let fresh_data: Vec<OnceCell<Vec<u8>>> = (0..n).map(|_| OnceCell::new()).collect();
        let fresh_faces: Vec<OnceCell<ttf_parser::Face>> =
            (0..n).map(|_| OnceCell::new()).collect();
        lay2.data = &fresh_data;
        lay2.faces = &fresh_faces;
        lay2.glyphs(FontRole::FangSong, "王", "test").unwrap();
        assert!(fresh_data[0].get().is_some() && fresh_data[1].get().is_none());
    }
}
