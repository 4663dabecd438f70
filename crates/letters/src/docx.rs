//! DOCX: the WordprocessingML parts written directly, every element in schema order, so Word and
//! WPS open the file without offering a repair (docs/letters.md). Fonts are named as government
//! machines have them; the open stand-ins are only for the PDF.

use std::io::Write;

use crate::layout::*;
use crate::model::{classify, Heading, LetterData};
use crate::xml::Xml;
use crate::LetterError;

/// East Asian font names of GB/T 9704 as installed on government machines (never shipped).
pub const FONT_XIAOBIAOSONG: &str = "方正小标宋简体";
pub const FONT_FANGSONG: &str = "仿宋_GB2312";
pub const FONT_KAI: &str = "楷体_GB2312";
pub const FONT_HEI: &str = "黑体";
pub const FONT_SONG: &str = "宋体";
/// Latin letters and digits.
pub const FONT_LATIN: &str = "Times New Roman";

const NS_W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const NS_R: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const NS_MC: &str = "http://schemas.openxmlformats.org/markup-compatibility/2006";
const NS_WP: &str = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing";
const NS_WPS: &str = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape";
const NS_A: &str = "http://schemas.openxmlformats.org/drawingml/2006/main";
/// English Metric Units per twip (DrawingML sizes).
const EMU_PER_TWIP: u32 = 635;
const NS_PKG_REL: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
const REL_DOC: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// Renders the letter as a DOCX file (the bytes of the zip container).
pub fn render_docx(letter: &LetterData) -> Result<Vec<u8>, LetterError> {
    letter.validate()?;
    let parts: [(&str, String); 10] = [
        ("[Content_Types].xml", content_types()),
        ("_rels/.rels", package_rels()),
        ("docProps/core.xml", core_props(letter)),
        ("word/document.xml", document(letter)),
        ("word/_rels/document.xml.rels", document_rels()),
        ("word/styles.xml", styles()),
        ("word/settings.xml", settings()),
        ("word/fontTable.xml", font_table()),
        ("word/footer1.xml", footer(true)),
        ("word/footer2.xml", footer(false)),
    ];
    let zerr = |e: &dyn std::fmt::Display| LetterError::Zip(e.to_string());
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, xml) in parts {
        zip.start_file(name, opts).map_err(|e| zerr(&e))?;
        zip.write_all(xml.as_bytes()).map_err(|e| zerr(&e))?;
    }
    Ok(zip.finish().map_err(|e| zerr(&e))?.into_inner())
}

fn content_types() -> String {
    let mut x = Xml::new();
    x.start(
        "Types",
        &[(
            "xmlns",
            "http://schemas.openxmlformats.org/package/2006/content-types",
        )],
    );
    x.leaf(
        "Default",
        &[
            ("Extension", "rels"),
            (
                "ContentType",
                "application/vnd.openxmlformats-package.relationships+xml",
            ),
        ],
    );
    x.leaf(
        "Default",
        &[("Extension", "xml"), ("ContentType", "application/xml")],
    );
    let wml = "application/vnd.openxmlformats-officedocument.wordprocessingml";
    for (part, ty) in [
        ("/word/document.xml", format!("{wml}.document.main+xml")),
        ("/word/styles.xml", format!("{wml}.styles+xml")),
        ("/word/settings.xml", format!("{wml}.settings+xml")),
        ("/word/fontTable.xml", format!("{wml}.fontTable+xml")),
        ("/word/footer1.xml", format!("{wml}.footer+xml")),
        ("/word/footer2.xml", format!("{wml}.footer+xml")),
        (
            "/docProps/core.xml",
            "application/vnd.openxmlformats-package.core-properties+xml".to_string(),
        ),
    ] {
        x.leaf("Override", &[("PartName", part), ("ContentType", &ty)]);
    }
    x.end("Types");
    x.finish()
}

fn package_rels() -> String {
    let mut x = Xml::new();
    x.start("Relationships", &[("xmlns", NS_PKG_REL)]);
    x.leaf(
        "Relationship",
        &[
            ("Id", "rId1"),
            ("Type", &format!("{REL_DOC}/officeDocument")),
            ("Target", "word/document.xml"),
        ],
    );
    x.leaf(
        "Relationship",
        &[
            ("Id", "rId2"),
            ("Type", "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"),
            ("Target", "docProps/core.xml"),
        ],
    );
    x.end("Relationships");
    x.finish()
}

fn document_rels() -> String {
    let mut x = Xml::new();
    x.start("Relationships", &[("xmlns", NS_PKG_REL)]);
    for (id, ty, target) in [
        ("rId1", "styles", "styles.xml"),
        ("rId2", "settings", "settings.xml"),
        ("rId3", "fontTable", "fontTable.xml"),
        ("rId4", "footer", "footer1.xml"),
        ("rId5", "footer", "footer2.xml"),
    ] {
        x.leaf(
            "Relationship",
            &[
                ("Id", id),
                ("Type", &format!("{REL_DOC}/{ty}")),
                ("Target", target),
            ],
        );
    }
    x.end("Relationships");
    x.finish()
}

fn core_props(l: &LetterData) -> String {
    let mut x = Xml::new();
    x.start(
        "cp:coreProperties",
        &[
            (
                "xmlns:cp",
                "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
            ),
            ("xmlns:dc", "http://purl.org/dc/elements/1.1/"),
        ],
    );
    x.text_elem(
        "dc:title",
        &[],
        &format!("{} {}", l.title.replace('\n', ""), l.doc_no),
    );
    x.text_elem("dc:creator", &[], &l.issuer);
    x.end("cp:coreProperties");
    x.finish()
}

fn styles() -> String {
    let mut x = Xml::new();
    x.start("w:styles", &[("xmlns:w", NS_W)]);
    x.start("w:docDefaults", &[]);
    x.start("w:rPrDefault", &[]).start("w:rPr", &[]);
    fonts(&mut x, FONT_FANGSONG, FONT_LATIN);
    // 28 characters per line: 16 pt glyphs at a 15.75 pt pitch (−0.25 pt tracking) fit the
    // 156 mm line (see LINE_GRID below for why not `linesAndChars`).
    x.leaf("w:spacing", &[("w:val", &CHAR_TRACKING_TW.to_string())]);
    x.leaf("w:kern", &[("w:val", "0")]);
    x.leaf("w:sz", &[("w:val", &SZ_BODY.to_string())])
        .leaf("w:szCs", &[("w:val", &SZ_BODY.to_string())]);
    x.leaf(
        "w:lang",
        &[
            ("w:val", "en-US"),
            ("w:eastAsia", "zh-CN"),
            ("w:bidi", "ar-SA"),
        ],
    );
    x.end("w:rPr").end("w:rPrDefault");
    x.start("w:pPrDefault", &[]).start("w:pPr", &[]);
    // Widow/orphan control off, or pages end with 21 lines (official-documents.md).
    x.leaf("w:widowControl", &[("w:val", "0")]);
    // No extra space between CJK and Latin/digits: keeps the grid (and matches the PDF).
    x.leaf("w:autoSpaceDE", &[("w:val", "0")])
        .leaf("w:autoSpaceDN", &[("w:val", "0")]);
    x.leaf(
        "w:spacing",
        &[
            ("w:before", "0"),
            ("w:after", "0"),
            ("w:line", &LINE_PITCH_TW.to_string()),
            ("w:lineRule", "exact"),
        ],
    );
    x.leaf("w:jc", &[("w:val", "both")]);
    x.end("w:pPr").end("w:pPrDefault");
    x.end("w:docDefaults");
    x.start(
        "w:style",
        &[
            ("w:type", "paragraph"),
            ("w:default", "1"),
            ("w:styleId", "Normal"),
        ],
    );
    x.leaf("w:name", &[("w:val", "Normal")])
        .leaf("w:qFormat", &[]);
    // Repeated here: LibreOffice reads autospace from the style, not from the defaults.
    x.start("w:pPr", &[]);
    x.leaf("w:widowControl", &[("w:val", "0")]);
    x.leaf("w:autoSpaceDE", &[("w:val", "0")])
        .leaf("w:autoSpaceDN", &[("w:val", "0")]);
    x.end("w:pPr");
    // The grid's character pitch is relative to this size (LibreOffice reads it from Normal).
    x.start("w:rPr", &[]);
    fonts(&mut x, FONT_FANGSONG, FONT_LATIN);
    x.leaf("w:sz", &[("w:val", &SZ_BODY.to_string())])
        .leaf("w:szCs", &[("w:val", &SZ_BODY.to_string())]);
    x.end("w:rPr");
    x.end("w:style");
    x.start(
        "w:style",
        &[
            ("w:type", "character"),
            ("w:default", "1"),
            ("w:styleId", "DefaultParagraphFont"),
        ],
    );
    x.leaf("w:name", &[("w:val", "Default Paragraph Font")])
        .leaf("w:uiPriority", &[("w:val", "1")])
        .leaf("w:semiHidden", &[]);
    x.end("w:style");
    x.end("w:styles");
    x.finish()
}

fn settings() -> String {
    let mut x = Xml::new();
    x.start("w:settings", &[("xmlns:w", NS_W)]);
    x.leaf("w:zoom", &[("w:percent", "100")]);
    x.leaf("w:defaultTabStop", &[("w:val", "420")]);
    // Odd pages carry the page number on the right, even pages on the left.
    x.leaf("w:evenAndOddHeaders", &[]);
    x.leaf(
        "w:characterSpacingControl",
        &[("w:val", "compressPunctuation")],
    );
    x.start("w:compat", &[]);
    x.leaf(
        "w:compatSetting",
        &[
            ("w:name", "compatibilityMode"),
            ("w:uri", "http://schemas.microsoft.com/office/word"),
            ("w:val", "15"),
        ],
    );
    x.end("w:compat");
    x.leaf(
        "w:themeFontLang",
        &[("w:val", "en-US"), ("w:eastAsia", "zh-CN")],
    );
    x.end("w:settings");
    x.finish()
}

fn font_table() -> String {
    let mut x = Xml::new();
    x.start("w:fonts", &[("xmlns:w", NS_W)]);
    // altName: what Word/WPS substitute on newer machines that lack the _GB2312 faces.
    for (name, alt, charset, family, pitch) in [
        (FONT_XIAOBIAOSONG, Some("宋体"), "86", "script", "variable"),
        (FONT_FANGSONG, Some("仿宋"), "86", "modern", "fixed"),
        (FONT_KAI, Some("楷体"), "86", "modern", "fixed"),
        (FONT_HEI, Some("SimHei"), "86", "modern", "fixed"),
        (FONT_SONG, Some("SimSun"), "86", "auto", "variable"),
        (FONT_LATIN, None, "00", "roman", "variable"),
    ] {
        x.start("w:font", &[("w:name", name)]);
        if let Some(alt) = alt {
            x.leaf("w:altName", &[("w:val", alt)]);
        }
        x.leaf("w:charset", &[("w:val", charset)])
            .leaf("w:family", &[("w:val", family)])
            .leaf("w:pitch", &[("w:val", pitch)]);
        x.end("w:font");
    }
    x.end("w:fonts");
    x.finish()
}

/// The page number "— N —" in 4号 宋体, 1 character in from the outer side.
fn footer(odd: bool) -> String {
    let mut x = Xml::new();
    x.start("w:ftr", &[("xmlns:w", NS_W), ("xmlns:r", NS_R)]);
    let side = if odd { "w:right" } else { "w:left" };
    Para {
        snap: false,
        line: Some((400, "exact")),
        ind: vec![(side, SZ_SMALL * 10)],
        jc: if odd { "right" } else { "left" },
        ..Para::default()
    }
    .open(&mut x);
    let sz = SZ_SMALL;
    run(&mut x, "— ", FONT_SONG, FONT_SONG, sz, None);
    x.start("w:fldSimple", &[("w:instr", " PAGE ")]);
    run(&mut x, "1", FONT_SONG, FONT_SONG, sz, None);
    x.end("w:fldSimple");
    run(&mut x, " —", FONT_SONG, FONT_SONG, sz, None);
    x.end("w:p");
    x.end("w:ftr");
    x.finish()
}

fn fonts(x: &mut Xml, east: &str, latin: &str) {
    x.leaf(
        "w:rFonts",
        &[
            ("w:ascii", latin),
            ("w:hAnsi", latin),
            ("w:eastAsia", east),
            ("w:cs", latin),
        ],
    );
}

/// A run; `text` may hold `\n` for a line break.
fn run(x: &mut Xml, text: &str, east: &str, latin: &str, sz: u32, color: Option<&str>) {
    for (i, line) in text.split('\n').enumerate() {
        x.start("w:r", &[]);
        x.start("w:rPr", &[]);
        fonts(x, east, latin);
        if let Some(c) = color {
            x.leaf("w:color", &[("w:val", c)]);
        }
        x.leaf("w:sz", &[("w:val", &sz.to_string())])
            .leaf("w:szCs", &[("w:val", &sz.to_string())]);
        x.end("w:rPr");
        if i > 0 {
            x.leaf("w:br", &[]);
        }
        x.text_elem("w:t", &[("xml:space", "preserve")], line);
        x.end("w:r");
    }
}

struct Border {
    side: &'static str,
    eighths: u32,
    space_pt: u32,
    color: &'static str,
}

/// Paragraph properties, written in the order of CT_PPrBase.
struct Para {
    keep_next: bool,
    borders: Vec<Border>,
    tab_right: Option<u32>,
    snap: bool,
    before: u32,
    line: Option<(u32, &'static str)>,
    ind: Vec<(&'static str, u32)>,
    jc: &'static str,
}

impl Default for Para {
    fn default() -> Para {
        Para {
            keep_next: false,
            borders: Vec::new(),
            tab_right: None,
            snap: true,
            before: 0,
            line: None,
            ind: Vec::new(),
            jc: "both",
        }
    }
}

impl Para {
    fn open(&self, x: &mut Xml) {
        x.start("w:p", &[]).start("w:pPr", &[]);
        if self.keep_next {
            x.leaf("w:keepNext", &[]);
        }
        if !self.borders.is_empty() {
            x.start("w:pBdr", &[]);
            for side in ["w:top", "w:bottom"] {
                for b in self.borders.iter().filter(|b| b.side == side) {
                    x.leaf(
                        b.side,
                        &[
                            ("w:val", "single"),
                            ("w:sz", &b.eighths.to_string()),
                            ("w:space", &b.space_pt.to_string()),
                            ("w:color", b.color),
                        ],
                    );
                }
            }
            x.end("w:pBdr");
        }
        if let Some(pos) = self.tab_right {
            x.start("w:tabs", &[])
                .leaf("w:tab", &[("w:val", "right"), ("w:pos", &pos.to_string())])
                .end("w:tabs");
        }
        if !self.snap {
            x.leaf("w:snapToGrid", &[("w:val", "0")]);
        }
        if self.before > 0 || self.line.is_some() {
            let before = self.before.to_string();
            let (line, rule) = self.line.unwrap_or((LINE_PITCH_TW, "exact"));
            let line = line.to_string();
            x.leaf(
                "w:spacing",
                &[
                    ("w:before", &before),
                    ("w:after", "0"),
                    ("w:line", &line),
                    ("w:lineRule", rule),
                ],
            );
        }
        if !self.ind.is_empty() {
            let vals: Vec<(String, String)> = self
                .ind
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            let attrs: Vec<(&str, &str)> =
                vals.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            x.leaf("w:ind", &attrs);
        }
        x.leaf("w:jc", &[("w:val", self.jc)]);
        x.end("w:pPr");
    }
}

fn empty_line(x: &mut Xml, keep_next: bool) {
    Para {
        keep_next,
        ..Para::default()
    }
    .open(x);
    x.end("w:p");
}

/// Width of a string in twips on the body grid: CJK one grid cell, ASCII half a cell.
fn grid_width(s: &str) -> u32 {
    let cell = TYPE_W_TW / CHARS_PER_LINE;
    s.chars()
        .map(|c| if c.is_ascii() { cell / 2 } else { cell })
        .sum()
}

/// The document grid: 22 lines of 579 twips. Not `linesAndChars` + `charSpace` (−841): Word
/// and WPS honour it, but LibreOffice 7.4 sets 16–20 characters per line with it; the
/// character pitch comes from [`CHAR_TRACKING_TW`] instead, which every renderer honours.
pub const LINE_GRID: &str = "lines";
/// Run character spacing in twips (−0.25 pt): 28 × 15.75 pt ≤ 156 mm.
pub const CHAR_TRACKING_TW: i32 = -5;

/// 2-character first-line indent (GB/T 9704: each paragraph indented two characters).
const INDENT_2: [(&str, u32); 2] = [("w:firstLineChars", 200), ("w:firstLine", 640)];

fn document(l: &LetterData) -> String {
    let mut x = Xml::new();
    x.start(
        "w:document",
        &[
            ("xmlns:w", NS_W),
            ("xmlns:r", NS_R),
            ("xmlns:mc", NS_MC),
            ("xmlns:wp", NS_WP),
            ("xmlns:wps", NS_WPS),
        ],
    );
    x.start("w:body", &[]);

    // 发文机关标志: red, centred, top edge 35 mm below the type area.
    let n = l.issuer.chars().count().max(1) as u32;
    let mark_sz = SZ_MARK_MAX.min(TYPE_W_TW / n / 10).max(SZ_TITLE);
    Para {
        snap: false,
        before: (MARK_OFFSET_MM * 56.7) as u32,
        line: Some((mark_sz * 12, "exact")),
        jc: "center",
        ..Para::default()
    }
    .open(&mut x);
    run(
        &mut x,
        &l.issuer,
        FONT_XIAOBIAOSONG,
        FONT_XIAOBIAOSONG,
        mark_sz,
        Some("FF0000"),
    );
    x.end("w:p");
    empty_line(&mut x, false);
    empty_line(&mut x, false);

    // 发文字号 centred; the red separator 4 mm below it, across the type area.
    Para {
        borders: vec![Border {
            side: "w:bottom",
            eighths: (RED_RULE_PT * 8.0) as u32,
            space_pt: 5,
            color: "FF0000",
        }],
        jc: "center",
        ..Para::default()
    }
    .open(&mut x);
    run(&mut x, &l.doc_no, FONT_FANGSONG, FONT_LATIN, SZ_BODY, None);
    x.end("w:p");
    empty_line(&mut x, false);
    empty_line(&mut x, false);

    // 标题: 2号 小标宋, centred, two lines below the red line.
    Para {
        snap: false,
        line: Some((TITLE_PITCH_TW, "exact")),
        jc: "center",
        ..Para::default()
    }
    .open(&mut x);
    run(
        &mut x,
        &l.title,
        FONT_XIAOBIAOSONG,
        FONT_LATIN,
        SZ_TITLE,
        None,
    );
    x.end("w:p");
    empty_line(&mut x, false);

    // 主送机关: flush left, ending with "：".
    Para::default().open(&mut x);
    run(
        &mut x,
        &format!("{}：", l.recipient),
        FONT_FANGSONG,
        FONT_LATIN,
        SZ_BODY,
        None,
    );
    x.end("w:p");

    // 正文 (+ the deadline paragraph), each paragraph indented 2 characters.
    let mut pars: Vec<&str> = l
        .body
        .iter()
        .map(String::as_str)
        .filter(|p| !p.trim().is_empty())
        .collect();
    if let Some(d) = &l.deadline {
        pars.push(d);
    }
    let last = pars.len().saturating_sub(1);
    for (i, p) in pars.iter().enumerate() {
        // The last body paragraph keeps with the signature (no page holding only the 落款).
        Para {
            keep_next: i == last,
            ind: INDENT_2.to_vec(),
            ..Para::default()
        }
        .open(&mut x);
        let (level, head, rest) = classify(p);
        let font = match level {
            Some(Heading::Level1) => FONT_HEI,
            Some(Heading::Level2) => FONT_KAI,
            None => FONT_FANGSONG,
        };
        if !head.is_empty() {
            run(&mut x, head, font, FONT_LATIN, SZ_BODY, None);
        }
        if !rest.is_empty() {
            run(&mut x, rest, FONT_FANGSONG, FONT_LATIN, SZ_BODY, None);
        }
        x.end("w:p");
    }

    // 附件说明: one line below the body, indented 2 characters; several are numbered.
    if !l.attachments.is_empty() {
        empty_line(&mut x, true);
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
            let ind = if i == 0 {
                vec![
                    ("w:leftChars", 500),
                    ("w:left", 1600),
                    ("w:hangingChars", 300),
                    ("w:hanging", 960),
                ]
            } else {
                vec![("w:leftChars", 500), ("w:left", 1600)]
            };
            Para {
                keep_next: true,
                ind,
                ..Para::default()
            }
            .open(&mut x);
            run(&mut x, &text, FONT_FANGSONG, FONT_LATIN, SZ_BODY, None);
            x.end("w:p");
        }
    }

    // 落款 (sealed letter): 成文日期 4 characters in from the right, the issuer centred over it;
    // two blank lines leave room for the seal, whose top stays within a line of the body.
    empty_line(&mut x, true);
    empty_line(&mut x, true);
    let date = l.date.to_string();
    let cell = TYPE_W_TW / CHARS_PER_LINE;
    let (wd, wi) = (grid_width(&date), grid_width(&l.signature));
    let centre = (DATE_RIGHT_CHARS as u32 * cell + wd / 2)
        .min(2 * cell + wi / 2)
        .max(wi / 2)
        .max(wd / 2);
    for (text, w, keep) in [(&l.signature, wi, true), (&date, wd, false)] {
        Para {
            keep_next: keep,
            ind: vec![("w:right", centre - w / 2)],
            jc: "right",
            ..Para::default()
        }
        .open(&mut x);
        run(&mut x, text, FONT_FANGSONG, FONT_LATIN, SZ_BODY, None);
        x.end("w:p");
    }

    // 附注: the line after the date, indented 2 characters, in （ ）.
    if let Some(note) = &l.note {
        Para {
            ind: INDENT_2.to_vec(),
            ..Para::default()
        }
        .open(&mut x);
        run(
            &mut x,
            &format!("（{note}）"),
            FONT_FANGSONG,
            FONT_LATIN,
            SZ_BODY,
            None,
        );
        x.end("w:p");
    }

    banji(&mut x, l);

    // Section: A4, GB/T 9704 margins, 22 × 28 grid, odd/even footers.
    x.start("w:sectPr", &[]);
    x.leaf(
        "w:footerReference",
        &[("w:type", "default"), ("r:id", "rId4")],
    );
    x.leaf("w:footerReference", &[("w:type", "even"), ("r:id", "rId5")]);
    x.leaf(
        "w:pgSz",
        &[
            ("w:w", &PAGE_W_TW.to_string()),
            ("w:h", &PAGE_H_TW.to_string()),
        ],
    );
    x.leaf(
        "w:pgMar",
        &[
            ("w:top", &MARGIN_TOP_TW.to_string()),
            ("w:right", &MARGIN_RIGHT_TW.to_string()),
            ("w:bottom", &MARGIN_BOTTOM_TW.to_string()),
            ("w:left", &MARGIN_LEFT_TW.to_string()),
            ("w:header", "851"),
            ("w:footer", &FOOTER_TW.to_string()),
            ("w:gutter", "0"),
        ],
    );
    x.leaf("w:pgNumType", &[("w:start", "1")]);
    x.leaf("w:cols", &[("w:space", "425")]);
    x.leaf(
        "w:docGrid",
        &[
            ("w:type", LINE_GRID),
            ("w:linePitch", &LINE_PITCH_TW.to_string()),
        ],
    );
    x.end("w:sectPr");
    x.end("w:body");
    x.end("w:document");
    x.finish()
}

/// 版记 (4号): 抄送 and 印发 between rules (first and last 0.35 mm, middle 0.25 mm): a
/// one-column table in a text box anchored to the bottom of the type area (DrawingML
/// `wp:anchor`, `positionV relativeFrom="margin"` `align=bottom`, text anchored to the box's
/// bottom), so it sits on the bottom edge of the last page in Word, WPS and LibreOffice alike.
/// (Seen here: LibreOffice 7.4 ignores `w:framePr` paragraphs and imports a type-area-wide
/// floating table inline; the text box is what it places.)
fn banji(x: &mut Xml, l: &LetterData) {
    let one_char = SZ_SMALL * 10;
    let thick = (BANJI_THICK_PT * 8.0) as u32;
    let thin = (BANJI_THIN_PT * 8.0) as u32;
    let w = TYPE_W_TW.to_string();
    let cc = (!l.cc.is_empty()).then(|| format!("抄送：{}。", l.cc.join("，")));
    // Lines the 抄送 takes at 4号 (1 char in each side, continuation lines under the names).
    let cc_lines = cc.as_ref().map_or(0, |t| {
        let per_line = ((TYPE_W_TW - 2 * one_char) / one_char) as usize;
        let n = t
            .chars()
            .map(|c| if c.is_ascii() { 1 } else { 2 })
            .sum::<usize>()
            .div_ceil(2);
        1 + n.saturating_sub(per_line).div_ceil(per_line - 3)
    }) as u32;
    // The box: the rows plus a little room (the text sits at the box's bottom).
    let height = (cc_lines + 1) * LINE_PITCH_TW + 120;
    let (cx, cy) = (
        (TYPE_W_TW * EMU_PER_TWIP).to_string(),
        (height * EMU_PER_TWIP).to_string(),
    );
    // The anchor: the document's last paragraph (1 pt high), so the box is on the last page.
    Para {
        line: Some((20, "exact")),
        ..Para::default()
    }
    .open(x);
    x.start("w:r", &[]);
    x.start("mc:AlternateContent", &[]);
    x.start("mc:Choice", &[("Requires", "wps")]);
    x.start("w:drawing", &[]);
    x.start(
        "wp:anchor",
        &[
            ("distT", "0"),
            ("distB", "0"),
            ("distL", "0"),
            ("distR", "0"),
            ("simplePos", "0"),
            ("relativeHeight", "2"),
            ("behindDoc", "0"),
            ("locked", "0"),
            ("layoutInCell", "1"),
            ("allowOverlap", "0"),
        ],
    );
    x.leaf("wp:simplePos", &[("x", "0"), ("y", "0")]);
    x.start("wp:positionH", &[("relativeFrom", "margin")]);
    x.text_elem("wp:align", &[], "center");
    x.end("wp:positionH");
    x.start("wp:positionV", &[("relativeFrom", "margin")]);
    x.text_elem("wp:align", &[], "bottom");
    x.end("wp:positionV");
    x.leaf("wp:extent", &[("cx", &cx), ("cy", &cy)]);
    x.leaf(
        "wp:effectExtent",
        &[("l", "0"), ("t", "0"), ("r", "0"), ("b", "0")],
    );
    x.leaf("wp:wrapTopAndBottom", &[]);
    x.leaf("wp:docPr", &[("id", "1"), ("name", "版记")]);
    x.leaf("wp:cNvGraphicFramePr", &[]);
    x.start("a:graphic", &[("xmlns:a", NS_A)]);
    x.start("a:graphicData", &[("uri", NS_WPS)]);
    x.start("wps:wsp", &[]);
    x.leaf("wps:cNvSpPr", &[("txBox", "1")]);
    x.start("wps:spPr", &[]);
    x.start("a:xfrm", &[]);
    x.leaf("a:off", &[("x", "0"), ("y", "0")]);
    x.leaf("a:ext", &[("cx", &cx), ("cy", &cy)]);
    x.end("a:xfrm");
    x.start("a:prstGeom", &[("prst", "rect")])
        .leaf("a:avLst", &[])
        .end("a:prstGeom");
    x.leaf("a:noFill", &[]);
    x.start("a:ln", &[]).leaf("a:noFill", &[]).end("a:ln");
    x.end("wps:spPr");
    x.start("wps:txbx", &[]);
    x.start("w:txbxContent", &[]);
    x.start("w:tbl", &[]);
    x.start("w:tblPr", &[]);
    x.leaf("w:tblW", &[("w:w", &w), ("w:type", "dxa")]);
    x.start("w:tblBorders", &[]);
    let rule = |x: &mut Xml, side: &'static str, sz: u32| {
        x.leaf(
            side,
            &[
                ("w:val", "single"),
                ("w:sz", &sz.to_string()),
                ("w:space", "0"),
                ("w:color", "000000"),
            ],
        );
    };
    rule(x, "w:top", thick);
    x.leaf("w:left", &[("w:val", "nil")]);
    rule(x, "w:bottom", thick);
    x.leaf("w:right", &[("w:val", "nil")]);
    rule(x, "w:insideH", thin);
    x.leaf("w:insideV", &[("w:val", "nil")]);
    x.end("w:tblBorders");
    x.leaf("w:tblLayout", &[("w:type", "fixed")]);
    x.start("w:tblCellMar", &[]);
    x.leaf("w:left", &[("w:w", "0"), ("w:type", "dxa")])
        .leaf("w:right", &[("w:w", "0"), ("w:type", "dxa")]);
    x.end("w:tblCellMar");
    x.end("w:tblPr");
    x.start("w:tblGrid", &[])
        .leaf("w:gridCol", &[("w:w", &w)])
        .end("w:tblGrid");
    let row = |x: &mut Xml, body: &dyn Fn(&mut Xml)| {
        x.start("w:tr", &[]).start("w:tc", &[]);
        x.start("w:tcPr", &[])
            .leaf("w:tcW", &[("w:w", &w), ("w:type", "dxa")])
            .end("w:tcPr");
        body(x);
        x.end("w:tc").end("w:tr");
    };
    if let Some(cc) = &cc {
        row(x, &|x: &mut Xml| {
            Para {
                ind: vec![
                    ("w:left", 4 * one_char),
                    ("w:right", one_char),
                    ("w:hanging", 3 * one_char),
                ],
                ..Para::default()
            }
            .open(x);
            run(x, cc, FONT_FANGSONG, FONT_LATIN, SZ_SMALL, None);
            x.end("w:p");
        });
    }
    row(x, &|x: &mut Xml| {
        Para {
            tab_right: Some(TYPE_W_TW - one_char),
            ind: vec![("w:left", one_char), ("w:right", one_char)],
            jc: "left",
            ..Para::default()
        }
        .open(x);
        run(x, &l.printed_by, FONT_FANGSONG, FONT_LATIN, SZ_SMALL, None);
        x.start("w:r", &[])
            .start("w:rPr", &[])
            .leaf("w:sz", &[("w:val", &SZ_SMALL.to_string())])
            .end("w:rPr")
            .leaf("w:tab", &[])
            .end("w:r");
        run(
            x,
            &format!("{}印发", l.printed_on),
            FONT_FANGSONG,
            FONT_LATIN,
            SZ_SMALL,
            None,
        );
        x.end("w:p");
    });
    x.end("w:tbl");
    // A text box's content ends with a paragraph; 1 pt high so the last rule stays at the bottom.
    Para {
        line: Some((20, "exact")),
        ..Para::default()
    }
    .open(x);
    x.end("w:p");
    x.end("w:txbxContent");
    x.end("wps:txbx");
    x.leaf(
        "wps:bodyPr",
        &[
            ("rot", "0"),
            ("vert", "horz"),
            ("wrap", "square"),
            ("lIns", "0"),
            ("tIns", "0"),
            ("rIns", "0"),
            ("bIns", "0"),
            ("anchor", "b"),
            ("anchorCtr", "0"),
        ],
    );
    x.end("wps:wsp");
    x.end("a:graphicData");
    x.end("a:graphic");
    x.end("wp:anchor");
    x.end("w:drawing");
    x.end("mc:Choice");
    x.end("mc:AlternateContent");
    x.end("w:r");
    x.end("w:p");
}
