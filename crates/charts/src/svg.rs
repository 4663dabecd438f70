//! Post-processing of plotters' SVG: the embedded font subset, and data URLs.

use std::collections::BTreeSet;

use base64::Engine as _;

use crate::{ChartError, ChartOptions, FontError};

/// The family name the embedded subset is declared under (first in [`FONT_STACK`]); each
/// SVG declares `JianchaChartCJK-<hash of its subset>` so inlined charts never clash.
pub const EMBEDDED_FAMILY: &str = "JianchaChartCJK";

/// The font-family of every text element: the embedded subset first, then the CJK fonts
/// found on Chinese government desktops and Linux, then the generic family.
pub const FONT_STACK: &str = "JianchaChartCJK, 'Noto Sans CJK SC', 'Source Han Sans SC', \
'WenQuanYi Micro Hei', 'Microsoft YaHei', 'PingFang SC', sans-serif";

/// `data:image/svg+xml;base64,…` for `<img src=…>` (needs `img-src data:` in the CSP).
/// Only for charts drawn **without** an embedded font: WebKitGTK draws no text in an SVG
/// image whose font is a `data:` `@font-face` (docs/charts.md). Inline those instead.
pub fn svg_data_url(svg: &str) -> String {
    format!(
        "data:image/svg+xml;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(svg.as_bytes())
    )
}

/// The characters inside the SVG's `<text>` elements (entities decoded): what a font
/// must cover to draw the chart.
pub fn text_chars(svg: &str) -> BTreeSet<char> {
    let mut out = BTreeSet::new();
    let mut rest = svg;
    while let Some(i) = rest.find("<text") {
        rest = &rest[i..];
        let Some(gt) = rest.find('>') else { break };
        let Some(end) = rest.find("</text>") else {
            break;
        };
        let content = &rest[gt + 1..end];
        let decoded = content
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&apos;", "'")
            .replace("&amp;", "&");
        out.extend(decoded.chars().filter(|c| !c.is_control()));
        rest = &rest[end..];
    }
    out
}

fn fnv1a(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// Adds the `@font-face` with the subset (when a font is given and covers the text).
pub(crate) fn finish(svg: String, opts: &ChartOptions) -> Result<String, ChartError> {
    let Some(font) = &opts.font else {
        return Ok(svg);
    };
    let chars = text_chars(&svg);
    let subset = match font.subset(&chars) {
        Ok(s) => s,
        // Nothing the font can draw: the stack's other fonts draw everything.
        Err(FontError::NoCoverage) => return Ok(svg),
        Err(e) => return Err(e.into()),
    };
    // A family name unique to this subset: two charts inlined in one page must not
    // replace each other's @font-face (each subset covers only its own characters).
    let family = format!("{EMBEDDED_FAMILY}-{:016x}", fnv1a(&subset));
    let svg = svg.replace(
        &format!("font-family=\"{EMBEDDED_FAMILY},"),
        &format!("font-family=\"{family},"),
    );
    let style = format!(
        "<defs><style>@font-face{{font-family:{family};src:url(data:font/ttf;base64,{}) format('truetype');}}</style></defs>\n",
        base64::engine::general_purpose::STANDARD.encode(&subset)
    );
    let Some(open_end) = svg
        .find("<svg")
        .and_then(|i| svg[i..].find('>').map(|j| i + j + 1))
    else {
        return Err(ChartError::Draw("plotters emitted no <svg> element".into()));
    };
    let mut out = String::with_capacity(svg.len() + style.len() + 1);
    out.push_str(&svg[..open_end]);
    out.push('\n');
    out.push_str(&style);
    out.push_str(svg[open_end..].trim_start_matches('\n'));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_chars_reads_only_text_content_and_decodes_entities() {
        let svg = "<svg><rect fill=\"red\"/><text x=\"1\">黄牌 &amp;\n</text><text>7</text></svg>";
        let c = text_chars(svg);
        assert!(c.contains(&'黄') && c.contains(&'&') && c.contains(&'7'));
        assert!(!c.contains(&'r'), "attribute text must not count");
        assert!(!c.contains(&'\n'));
    }
}
