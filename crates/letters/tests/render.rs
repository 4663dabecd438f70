//! End-to-end checks of the rendered letters: the DOCX container and its layout values, the PDF's
//! extractable text (poppler's `pdftotext`), and the DOCX converted by LibreOffice headless.
//!
//! External tools: `pdftotext`/`pdffonts` (Debian `poppler-utils`) and `soffice` (Debian
//! `libreoffice-writer-nogui`), fonts from `fonts-noto-cjk`. A missing tool fails the test with
//! the package to install; `JIANCHA_SKIP_LIBREOFFICE=1` skips the LibreOffice test (printed).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use jiancha_letters::{
    demo_facts, render_docx, render_pdf, FontSet, LetterData, LetterError, LetterKind, Template,
};

fn fonts() -> &'static FontSet {
    static FONTS: OnceLock<FontSet> = OnceLock::new();
    FONTS.get_or_init(|| {
        FontSet::discover()
            .unwrap_or_else(|e| panic!("{e} (CI: apt-get install -y fonts-noto-cjk)"))
    })
}

fn sample(kind: LetterKind) -> LetterData {
    Template::embedded(kind)
        .unwrap()
        .fill(&demo_facts(kind))
        .unwrap()
}

fn docx_parts(bytes: &[u8]) -> std::collections::BTreeMap<String, String> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("the DOCX is a zip");
    let mut out = std::collections::BTreeMap::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut s = String::new();
        f.read_to_string(&mut s).unwrap();
        out.insert(f.name().unwrap().to_string(), s);
    }
    out
}

/// Checks that tags nest (a cheap well-formedness test) and returns, for each element, the
/// names of its children in order.
fn children(xml: &str, parent: &str) -> Vec<Vec<String>> {
    let mut stack: Vec<(String, Vec<String>)> = Vec::new();
    let mut found = Vec::new();
    let mut rest = xml;
    while let Some(i) = rest.find('<') {
        let end = rest[i..].find('>').expect("unclosed tag") + i;
        let tag = &rest[i + 1..end];
        rest = &rest[end + 1..];
        if tag.starts_with('?') || tag.starts_with('!') {
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            let (open, kids) = stack.pop().expect("close without open");
            assert_eq!(open, name, "mismatched </{name}>");
            if open == parent {
                found.push(kids);
            }
            continue;
        }
        let name = tag
            .split_whitespace()
            .next()
            .unwrap()
            .trim_end_matches('/')
            .to_string();
        if let Some((_, kids)) = stack.last_mut() {
            kids.push(name.clone());
        }
        if !tag.ends_with('/') {
            stack.push((name, Vec::new()));
        } else if name == parent {
            found.push(Vec::new());
        }
    }
    assert!(stack.is_empty(), "unclosed elements: {stack:?}");
    found
}

/// The sequence of CT_PPrBase / CT_RPr / CT_SectPr children used here, in schema order.
const PPR_ORDER: &[&str] = &[
    "w:pStyle",
    "w:keepNext",
    "w:keepLines",
    "w:pageBreakBefore",
    "w:framePr",
    "w:widowControl",
    "w:numPr",
    "w:pBdr",
    "w:shd",
    "w:tabs",
    "w:kinsoku",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:jc",
    "w:rPr",
];
const RPR_ORDER: &[&str] = &[
    "w:rStyle",
    "w:rFonts",
    "w:b",
    "w:color",
    "w:spacing",
    "w:kern",
    "w:sz",
    "w:szCs",
    "w:lang",
];
const SECT_ORDER: &[&str] = &[
    "w:headerReference",
    "w:footerReference",
    "w:type",
    "w:pgSz",
    "w:pgMar",
    "w:pgNumType",
    "w:cols",
    "w:titlePg",
    "w:docGrid",
];
const TBLPR_ORDER: &[&str] = &[
    "w:tblStyle",
    "w:tblpPr",
    "w:tblW",
    "w:jc",
    "w:tblBorders",
    "w:tblLayout",
    "w:tblCellMar",
];

fn assert_order(part: &str, xml: &str, parent: &str, order: &[&str]) {
    for kids in children(xml, parent) {
        let pos: Vec<usize> = kids
            .iter()
            .map(|k| {
                order.iter().position(|o| o == k).unwrap_or_else(|| {
                    panic!("{part}: <{k}> in <{parent}> is not in the known order")
                })
            })
            .collect();
        assert!(
            pos.windows(2).all(|w| w[0] <= w[1]),
            "{part}: <{parent}> children out of schema order: {kids:?}"
        );
    }
}

#[test]
fn docx_has_the_parts_and_the_gbt9704_layout() {
    let letter = sample(LetterKind::Admonition);
    let parts = docx_parts(&render_docx(&letter).unwrap());
    for p in [
        "[Content_Types].xml",
        "_rels/.rels",
        "word/document.xml",
        "word/_rels/document.xml.rels",
        "word/styles.xml",
        "word/settings.xml",
        "word/fontTable.xml",
        "word/footer1.xml",
        "word/footer2.xml",
    ] {
        assert!(parts.contains_key(p), "missing part {p}");
    }
    let doc = &parts["word/document.xml"];
    // A4, margins 37/26/35/28 mm, 22 lines of 579 twips.
    assert!(doc.contains(r#"<w:pgSz w:w="11906" w:h="16838"/>"#), "pgSz");
    assert!(
        doc.contains(r#"<w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1587""#),
        "pgMar"
    );
    assert!(
        doc.contains(r#"<w:docGrid w:type="lines" w:linePitch="579"/>"#),
        "docGrid"
    );
    // Title 2号 小标宋; body 3号 仿宋_GB2312 with a 2-character first-line indent.
    assert!(
        doc.contains(r#"w:eastAsia="方正小标宋简体" w:cs="Times New Roman"/><w:sz w:val="44"/>"#),
        "title font/size"
    );
    assert!(
        doc.contains(r#"w:eastAsia="仿宋_GB2312" w:cs="Times New Roman"/><w:sz w:val="32"/>"#),
        "body font/size"
    );
    assert!(
        doc.contains(r#"<w:ind w:firstLineChars="200" w:firstLine="640"/>"#),
        "indent"
    );
    assert!(
        doc.contains(r#"w:eastAsia="黑体""#) && doc.contains(r#"w:eastAsia="楷体_GB2312""#),
        "heading fonts"
    );
    // Red 标志 and red separator; 版记 in 4号.
    assert!(
        doc.contains(r#"<w:color w:val="FF0000"/>"#),
        "red issuer mark"
    );
    assert!(
        doc.contains(r#"<w:bottom w:val="single" w:sz="10" w:space="5" w:color="FF0000"/>"#),
        "red rule"
    );
    assert!(
        doc.contains(r#"<w:sz w:val="28"/>"#)
            && doc.contains("抄送：市纪委监委派驻市市场监督管理局纪检监察组。"),
        "版记"
    );
    assert!(doc.contains("2026年3月6日印发"), "印发日期");
    // 版记 in a text box on the bottom edge of the type area.
    assert!(
        doc.contains(
            r#"<wp:positionV relativeFrom="margin"><wp:align>bottom</wp:align></wp:positionV>"#
        ),
        "版记 at the bottom"
    );
    assert!(
        doc.contains(r#"anchor="b""#),
        "版记 text at the box's bottom"
    );
    // Text pieces.
    for t in [
        "新监效告〔2026〕12号",
        "效能告诫书",
        "新城市市场监督管理局：",
        "（联系人：赵敏，联系电话：0991-1234567）",
        "2026年3月6日",
        "王堃",
    ] {
        assert!(doc.contains(t), "document lacks {t}");
    }
    // Widow control off; odd/even page numbers "— N —" in 4号 宋体.
    assert!(parts["word/styles.xml"].contains(r#"<w:widowControl w:val="0"/>"#));
    assert!(parts["word/settings.xml"].contains("<w:evenAndOddHeaders/>"));
    for (f, jc) in [("word/footer1.xml", "right"), ("word/footer2.xml", "left")] {
        let x = &parts[f];
        assert!(
            x.contains("— ")
                && x.contains(" PAGE ")
                && x.contains(r#"w:eastAsia="宋体""#)
                && x.contains(r#"<w:sz w:val="28"/>"#),
            "{f}"
        );
        assert!(
            x.contains(&format!(r#"<w:jc w:val="{jc}"/>"#)),
            "{f} alignment"
        );
    }
    // Every part nests; properties are in schema order (Word "repairs" files otherwise).
    for (name, xml) in &parts {
        children(xml, "");
        assert_order(name, xml, "w:pPr", PPR_ORDER);
        assert_order(name, xml, "w:rPr", RPR_ORDER);
        assert_order(name, xml, "w:sectPr", SECT_ORDER);
        assert_order(name, xml, "w:tblPr", TBLPR_ORDER);
    }
}

#[test]
fn invalid_letters_are_refused_with_the_field_named() {
    let mut l = sample(LetterKind::Admonition);
    l.doc_no = "新监效告〔2026〕第012号".into();
    let e = render_docx(&l).unwrap_err().to_string();
    assert!(e.contains("doc_no"), "{e}");
    let mut l = sample(LetterKind::Admonition);
    l.recipient = " ".into();
    let e = render_pdf(&l, fonts()).unwrap_err().to_string();
    assert!(e.contains("recipient"), "{e}");
}

fn tool(cmd: &str, package: &str) -> Command {
    match Command::new(cmd).arg("-v").output() {
        Ok(_) => Command::new(cmd),
        Err(e) => panic!("`{cmd}` is needed by this test and could not run ({e}): apt-get install -y --no-install-recommends {package}"),
    }
}

fn pdftotext(pdf: &Path) -> String {
    let out = tool("pdftotext", "poppler-utils")
        .arg("-enc")
        .arg("UTF-8")
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "pdftotext failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn is_page_number(line: &str) -> bool {
    let t = line.trim().trim_start_matches('\u{c}');
    t.strip_prefix('—')
        .and_then(|r| r.strip_suffix('—'))
        .is_some_and(|n| n.trim().parse::<u32>().is_ok())
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn pdf_text_is_selectable_and_fonts_are_embedded_subsets() {
    let dir = tempfile::tempdir().unwrap();
    for kind in LetterKind::ALL {
        let letter = sample(kind);
        let bytes = render_pdf(&letter, fonts()).unwrap();
        assert!(bytes.len() < 2_000_000, "{kind}: {} bytes", bytes.len());
        let path = dir.path().join(format!("{kind}.pdf"));
        std::fs::write(&path, &bytes).unwrap();
        let raw = pdftotext(&path);
        assert!(
            raw.lines().any(|l| squash(l) == "—1—"),
            "{kind}: no page number — 1 —: {raw}"
        );
        // Page numbers and page breaks out, so paragraphs that run across pages read whole.
        let text = squash(
            &raw.lines()
                .filter(|l| !is_page_number(l))
                .collect::<String>(),
        );
        for t in [
            &letter.title,
            &letter.doc_no,
            &letter.recipient,
            &letter.issuer,
            "2026年3月6日",
            "𠮷祥餐饮",
            "王堃",
            "李喆",
        ] {
            assert!(
                text.contains(&squash(t)),
                "{kind}: PDF text lacks {t}: {text}"
            );
        }
        for p in &letter.body {
            assert!(
                text.contains(&squash(p)),
                "{kind}: PDF text lacks paragraph {p}"
            );
        }
        let out = tool("pdffonts", "poppler-utils")
            .arg(&path)
            .output()
            .unwrap();
        let listing = String::from_utf8_lossy(&out.stdout);
        let rows: Vec<&str> = listing.lines().skip(2).collect();
        assert!(!rows.is_empty(), "{kind}: no fonts: {listing}");
        for row in rows {
            // name+ subset prefix; emb sub uni all "yes".
            assert!(
                row.split_whitespace().next().unwrap().contains('+'),
                "{kind}: not a subset: {row}"
            );
            assert!(
                row.contains("yes yes yes"),
                "{kind}: font not embedded/subset/unicode: {row}"
            );
        }
    }
}

#[test]
fn forced_title_breaks_tabs_and_stray_control_characters_render() {
    let mut l = sample(LetterKind::Admonition);
    l.title = "关于新城市市场监督管理局\n办件超时的效能告诫书".into();
    l.body[0] = format!("\t{}\r", l.body[0]);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.pdf");
    std::fs::write(&path, render_pdf(&l, fonts()).unwrap()).unwrap();
    let raw = pdftotext(&path);
    assert!(
        raw.lines().any(|x| x.trim() == "关于新城市市场监督管理局"),
        "{raw}"
    );
    assert!(
        raw.lines().any(|x| x.trim() == "办件超时的效能告诫书"),
        "{raw}"
    );
    let docx = docx_parts(&render_docx(&l).unwrap());
    assert!(
        docx["word/document.xml"].contains("<w:br/>"),
        "title break in the DOCX"
    );
}

#[test]
fn a_character_no_font_has_is_an_error_naming_it() {
    let mut l = sample(LetterKind::Admonition);
    l.recipient = "某局\u{10FFFD}".into();
    match render_pdf(&l, fonts()) {
        Err(LetterError::MissingGlyph { code, context, .. }) => {
            assert_eq!(code, 0x10FFFD);
            assert!(context.contains("recipient"), "{context}");
        }
        other => panic!("expected MissingGlyph, got {other:?}"),
    }
}

#[test]
fn missing_fonts_give_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let e = FontSet::from_dirs(&[dir.path().to_path_buf()])
        .err()
        .expect("no fonts in an empty dir")
        .to_string();
    assert!(e.contains("fonts-noto-cjk"), "{e}");
}

#[test]
fn template_changes_show_without_a_rebuild() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/letters/admonition.tmpl"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("admonition.tmpl"),
        text.replace("举一反三。", "举一反三（模板已修改）。"),
    )
    .unwrap();
    let letter = Template::load(LetterKind::Admonition, Some(dir.path()))
        .unwrap()
        .fill(&demo_facts(LetterKind::Admonition))
        .unwrap();
    let pdf = dir.path().join("a.pdf");
    std::fs::write(&pdf, render_pdf(&letter, fonts()).unwrap()).unwrap();
    assert!(squash(&pdftotext(&pdf)).contains("举一反三（模板已修改）。"));
}

/// The shipped assets must equal the embedded fallback (a template edit is not half-applied).
#[test]
fn assets_dir_matches_the_embedded_templates() {
    let assets = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/letters");
    for kind in LetterKind::ALL {
        let from_dir = Template::load(kind, Some(&assets))
            .unwrap()
            .fill(&demo_facts(kind))
            .unwrap();
        assert_eq!(from_dir, sample(kind), "{kind}");
    }
}

fn fontconfig_file() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/letters/fontconfig-aliases.conf")
}

#[test]
fn docx_converts_with_libreoffice_and_keeps_its_text() {
    if std::env::var("JIANCHA_SKIP_LIBREOFFICE").as_deref() == Ok("1") {
        eprintln!("skipped: JIANCHA_SKIP_LIBREOFFICE=1 (the DOCX → PDF conversion by LibreOffice was not checked)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("lo-profile");
    let mut inputs = Vec::new();
    for kind in LetterKind::ALL {
        let p = dir.path().join(format!("{kind}.docx"));
        std::fs::write(&p, render_docx(&sample(kind)).unwrap()).unwrap();
        inputs.push(p);
    }
    let soffice = ["soffice", "libreoffice"].into_iter().find(|c| Command::new(c).arg("--version").output().is_ok()).unwrap_or_else(|| {
        panic!("LibreOffice (`soffice`) is needed: apt-get install -y --no-install-recommends libreoffice-writer-nogui (or set JIANCHA_SKIP_LIBREOFFICE=1)")
    });
    let out = Command::new(soffice)
        .env("FONTCONFIG_FILE", fontconfig_file())
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args([
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
        ])
        .arg(dir.path())
        .args(&inputs)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "soffice failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    for kind in LetterKind::ALL {
        let pdf = dir.path().join(format!("{kind}.pdf"));
        assert!(
            pdf.exists(),
            "LibreOffice wrote no {}: {}",
            pdf.display(),
            String::from_utf8_lossy(&out.stdout)
        );
        let letter = sample(kind);
        let text = squash(&pdftotext(&pdf));
        for t in [
            &letter.title,
            &letter.doc_no,
            &letter.issuer,
            "2026年3月6日",
            "王堃",
            "𠮷祥餐饮",
        ] {
            assert!(
                text.contains(&squash(t)),
                "{kind}: LibreOffice PDF lacks {t}: {text}"
            );
        }
        assert!(
            text.contains(&squash(&letter.body[0])),
            "{kind}: first paragraph missing: {text}"
        );
        // The CJK text was set in a CJK face through the aliases (not a last-resort box font).
        let fonts = Command::new("pdffonts").arg(&pdf).output().unwrap();
        let listing = String::from_utf8_lossy(&fonts.stdout);
        assert!(
            listing.contains("CJK") || listing.contains("UKai"),
            "{kind}: no CJK font in LibreOffice's PDF: {listing}"
        );
    }
}
