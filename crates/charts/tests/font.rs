//! The embedded font subset is a valid TrueType font that maps every character drawn.

use std::collections::BTreeSet;
use std::path::PathBuf;

use base64::Engine as _;
use jiancha_charts::*;

fn fixture() -> CjkFont {
    let p =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/wqy-microhei-subset.ttf");
    CjkFont::from_file(p, 0).unwrap()
}

fn embedded_font(svg: &str) -> Vec<u8> {
    let start = svg.find("data:font/ttf;base64,").expect("an embedded font") + 21;
    let end = start + svg[start..].find(')').unwrap();
    base64::engine::general_purpose::STANDARD
        .decode(&svg[start..end])
        .unwrap()
}

#[test]
fn embedded_subset_covers_every_character_of_the_chart_with_real_outlines() {
    let rows = vec![DepartmentOpenCards {
        department: "市市场监督管理局".into(),
        warning: 3,
        yellow: 2,
        red: 1,
    }];
    let opts = ChartOptions {
        font: Some(fixture()),
        ..ChartOptions::default()
    };
    let svg = open_cards_by_department_svg(&rows, &opts).unwrap();
    let bytes = embedded_font(&svg);
    // Every text element asks for the family declared by this SVG's @font-face first.
    let fam = svg
        .split("font-family:")
        .nth(1)
        .unwrap()
        .split(';')
        .next()
        .unwrap();
    assert!(fam.starts_with("JianchaChartCJK-"), "{fam}");
    assert_eq!(
        svg.matches("<text").count(),
        svg.matches(&format!("font-family=\"{fam},")).count()
    );
    let face = ttf_parser::Face::parse(&bytes, 0).expect("subset parses");
    let chars = text_chars(&svg);
    assert!(chars.contains(&'督') && chars.contains(&'6'));
    // A subset: the characters used, .notdef and the components of composite glyphs (WQY
    // builds many hanzi from components), far fewer than the source's glyphs.
    let src_bytes = std::fs::read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/wqy-microhei-subset.ttf"),
    )
    .unwrap();
    let src = ttf_parser::Face::parse(&src_bytes, 0).unwrap();
    assert!(face.number_of_glyphs() < src.number_of_glyphs() / 2);
    struct Count(usize);
    impl ttf_parser::OutlineBuilder for Count {
        fn move_to(&mut self, _: f32, _: f32) {
            self.0 += 1;
        }
        fn line_to(&mut self, _: f32, _: f32) {}
        fn quad_to(&mut self, _: f32, _: f32, _: f32, _: f32) {}
        fn curve_to(&mut self, _: f32, _: f32, _: f32, _: f32, _: f32, _: f32) {}
        fn close(&mut self) {}
    }
    for c in chars.iter().filter(|c| !c.is_whitespace()) {
        let g = face
            .glyph_index(*c)
            .unwrap_or_else(|| panic!("{c} not mapped in the subset"));
        let mut n = Count(0);
        face.outline_glyph(g, &mut n)
            .unwrap_or_else(|| panic!("{c} has no outline"));
        assert!(n.0 > 0, "{c} drew nothing");
        // Same outline as in the source font: composite components were remapped right.
        let sg = src.glyph_index(*c).unwrap();
        assert_eq!(
            face.outline_glyph(g, &mut Count(0)),
            src.outline_glyph(sg, &mut Count(0)),
            "{c}: bounding box differs from the source"
        );
        assert!(face.glyph_hor_advance(g).unwrap() > 0);
    }
}

#[test]
fn subset_of_uncovered_characters_is_refused_and_the_chart_falls_back() {
    let font = fixture();
    let only_missing: BTreeSet<char> = ['龘'].into_iter().collect();
    assert!(matches!(
        font.subset(&only_missing),
        Err(FontError::NoCoverage)
    ));
}

#[test]
fn garbage_is_not_a_font() {
    match CjkFont::from_bytes(b"not a font at all".to_vec(), 0) {
        Err(FontError::Parse { .. }) => {}
        other => panic!("expected a parse error, got {other:?}"),
    }
}

#[test]
fn too_narrow_is_an_error_and_data_url_is_base64_svg() {
    let opts = ChartOptions {
        width: 200,
        ..ChartOptions::default()
    };
    assert!(matches!(
        cards_per_day_svg(&[], &opts),
        Err(ChartError::TooNarrow(200))
    ));
    let url = svg_data_url("<svg/>");
    assert_eq!(url, "data:image/svg+xml;base64,PHN2Zy8+");
}
