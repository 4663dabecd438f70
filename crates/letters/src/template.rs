//! Text templates: `assets/letters/<kind>.tmpl`, filled from case facts into a [`LetterData`].
//!
//! Syntax (docs/letters.md has the full description):
//! - lines starting with `#` are comments; blank lines are ignored;
//! - a header of `key: value` lines, then a line `---`, then the body, one paragraph per line;
//! - `{{name}}` is replaced by the fact `name`; `{{name|cn_date}}` also rewrites an ISO date
//!   (`2026-03-06`) as `2026年3月6日`. A fact that is missing is an error naming the placeholder.
//!
//! Templates are read from a directory at run time (so they change without a rebuild); the
//! copies compiled into the binary are the fallback when no directory is given.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::model::{CnDate, LetterData, LetterKind};
use crate::LetterError;

const EMBEDDED: [(LetterKind, &str); 2] = [
    (
        LetterKind::Admonition,
        include_str!("../../../assets/letters/admonition.tmpl"),
    ),
    (
        LetterKind::InvestigationNotice,
        include_str!("../../../assets/letters/investigation-notice.tmpl"),
    ),
];

/// The header keys a template may set. `attachment` and `cc` may repeat.
const KEYS: &[&str] = &[
    "title",
    "issuer",
    "doc_no",
    "recipient",
    "deadline",
    "attachment",
    "signature",
    "date",
    "note",
    "cc",
    "printed_by",
    "printed_on",
];

/// A parsed template (not yet filled).
#[derive(Debug, Clone)]
pub struct Template {
    kind: LetterKind,
    source: String,
    header: Vec<Line>,
    body: Vec<Line>,
}

#[derive(Debug, Clone)]
struct Line {
    key: String,
    line_no: usize,
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Var {
        name: String,
        filter: Option<Filter>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Filter {
    CnDate,
}

/// The file name of a kind's template inside a template directory.
pub fn template_file_name(kind: LetterKind) -> String {
    format!("{}.tmpl", kind.slug())
}

impl Template {
    /// Loads the template of `kind` from `dir/<kind>.tmpl`, or the embedded copy when `dir` is
    /// `None`. A directory that lacks the file is an error (no silent fallback for a typo).
    pub fn load(kind: LetterKind, dir: Option<&Path>) -> Result<Template, LetterError> {
        match dir {
            Some(dir) => {
                let path: PathBuf = dir.join(template_file_name(kind));
                let text =
                    std::fs::read_to_string(&path).map_err(|e| LetterError::TemplateRead {
                        path: path.display().to_string(),
                        message: e.to_string(),
                    })?;
                Template::parse(kind, &path.display().to_string(), &text)
            }
            None => Template::embedded(kind),
        }
    }

    /// The copy compiled into the binary.
    pub fn embedded(kind: LetterKind) -> Result<Template, LetterError> {
        let text = EMBEDDED
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, t)| *t)
            .unwrap_or_default();
        Template::parse(
            kind,
            &format!("embedded:{}", template_file_name(kind)),
            text,
        )
    }

    /// Parses template text; `source` names it in errors.
    pub fn parse(kind: LetterKind, source: &str, text: &str) -> Result<Template, LetterError> {
        let syntax = |line_no: usize, message: String| LetterError::TemplateSyntax {
            template: source.to_string(),
            line: line_no,
            message,
        };
        let mut header = Vec::new();
        let mut body = Vec::new();
        let mut in_body = false;
        for (i, raw) in text.lines().enumerate() {
            let line_no = i + 1;
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if !in_body && line == "---" {
                in_body = true;
                continue;
            }
            if in_body {
                let parts = parse_parts(line).map_err(|m| syntax(line_no, m))?;
                body.push(Line {
                    key: String::new(),
                    line_no,
                    parts,
                });
            } else {
                let (key, value) = line.split_once(':').ok_or_else(|| {
                    syntax(
                        line_no,
                        format!("expected `key: value` or `---`, found `{line}`"),
                    )
                })?;
                let key = key.trim();
                if !KEYS.contains(&key) {
                    return Err(syntax(
                        line_no,
                        format!("unknown key `{key}` (known: {})", KEYS.join(", ")),
                    ));
                }
                if !matches!(key, "attachment" | "cc") && header.iter().any(|l: &Line| l.key == key)
                {
                    return Err(syntax(line_no, format!("key `{key}` given twice")));
                }
                let parts = parse_parts(value.trim()).map_err(|m| syntax(line_no, m))?;
                header.push(Line {
                    key: key.to_string(),
                    line_no,
                    parts,
                });
            }
        }
        if !in_body {
            return Err(syntax(
                text.lines().count(),
                "no `---` line before the body".to_string(),
            ));
        }
        for key in ["title", "issuer", "doc_no", "recipient", "date"] {
            if !header.iter().any(|l| l.key == key) {
                return Err(syntax(0, format!("the header lacks `{key}:`")));
            }
        }
        Ok(Template {
            kind,
            source: source.to_string(),
            header,
            body,
        })
    }

    pub fn kind(&self) -> LetterKind {
        self.kind
    }

    /// Where the template came from (a path, or `embedded:<file>`).
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Every placeholder the template uses.
    pub fn placeholders(&self) -> BTreeSet<String> {
        self.header
            .iter()
            .chain(&self.body)
            .flat_map(|l| &l.parts)
            .filter_map(|p| match p {
                Part::Var { name, .. } => Some(name.clone()),
                Part::Text(_) => None,
            })
            .collect()
    }

    /// Fills the template from case facts. A missing fact is an error naming the placeholder,
    /// the template and the line; a header field that ends up empty is left out (optional
    /// fields) or rejected by [`LetterData::validate`] (required ones).
    pub fn fill(&self, facts: &BTreeMap<String, String>) -> Result<LetterData, LetterError> {
        let render = |l: &Line| -> Result<String, LetterError> {
            let mut out = String::new();
            for p in &l.parts {
                match p {
                    Part::Text(t) => out.push_str(t),
                    Part::Var { name, filter } => {
                        let v = facts.get(name).ok_or_else(|| LetterError::MissingValue {
                            placeholder: name.clone(),
                            template: self.source.clone(),
                            line: l.line_no,
                        })?;
                        match filter {
                            None => out.push_str(v.trim()),
                            // A gap stays a gap (`crate::missing_fact`); the letter then
                            // cannot be issued.
                            Some(Filter::CnDate) if crate::is_missing_fact(v.trim()) => {
                                out.push_str(v.trim())
                            }
                            Some(Filter::CnDate) => {
                                let d = CnDate::parse(v).map_err(|_| LetterError::BadValue {
                                    placeholder: name.clone(),
                                    template: self.source.clone(),
                                    line: l.line_no,
                                    message: format!("`{v}` is not a date (expected 2026-03-06)"),
                                })?;
                                out.push_str(&d.to_string());
                            }
                        }
                    }
                }
            }
            Ok(out.trim().to_string())
        };
        let mut fields: BTreeMap<&str, Vec<(String, usize)>> = BTreeMap::new();
        for l in &self.header {
            let v = render(l)?;
            if !v.is_empty() {
                fields
                    .entry(l.key.as_str())
                    .or_default()
                    .push((v, l.line_no));
            }
        }
        let one = |k: &str| {
            fields
                .get(k)
                .and_then(|v| v.first())
                .map(|(s, _)| s.clone())
        };
        let date_field = |k: &str| -> Result<Option<CnDate>, LetterError> {
            match fields.get(k).and_then(|v| v.first()) {
                None => Ok(None),
                Some((s, line)) => {
                    CnDate::parse(s)
                        .map(Some)
                        .map_err(|_| LetterError::TemplateSyntax {
                            template: self.source.clone(),
                            line: *line,
                            message: format!(
                                "`{k}` is `{s}`, not a date (expected 2026-03-06 or 2026年3月6日)"
                            ),
                        })
                }
            }
        };
        let date = date_field("date")?.ok_or(LetterError::InvalidField {
            field: "date",
            message: "is empty".to_string(),
        })?;
        let issuer = one("issuer").unwrap_or_default();
        let strip_colon = |s: String| s.trim_end_matches(['：', ':']).to_string();
        let list = |k: &str| {
            fields
                .get(k)
                .map(|v| v.iter().map(|(s, _)| s.clone()).collect::<Vec<_>>())
                .unwrap_or_default()
        };
        let cc = list("cc")
            .into_iter()
            .flat_map(|s| {
                s.split(['，', '、'])
                    .map(|p| p.trim().trim_end_matches('。').to_string())
                    .collect::<Vec<_>>()
            })
            .filter(|s| !s.is_empty())
            .collect();
        let mut body = Vec::new();
        for l in &self.body {
            let p = render(l)?;
            if !p.is_empty() {
                body.push(p);
            }
        }
        let letter = LetterData {
            kind: self.kind,
            doc_no: one("doc_no").unwrap_or_default(),
            title: one("title").unwrap_or_default().replace("\\n", "\n"),
            recipient: strip_colon(one("recipient").unwrap_or_default()),
            body,
            deadline: one("deadline"),
            attachments: list("attachment"),
            signature: one("signature").unwrap_or_else(|| issuer.clone()),
            date,
            note: one("note").map(|n| {
                n.trim_start_matches('（')
                    .trim_end_matches('）')
                    .to_string()
            }),
            cc,
            printed_by: one("printed_by").unwrap_or_else(|| issuer.clone()),
            printed_on: date_field("printed_on")?.unwrap_or(date),
            issuer,
        };
        letter.validate()?;
        Ok(letter)
    }
}

fn parse_parts(s: &str) -> Result<Vec<Part>, String> {
    let mut parts = Vec::new();
    let mut rest = s;
    while let Some(start) = rest.find("{{") {
        if start > 0 {
            parts.push(Part::Text(rest[..start].to_string()));
        }
        let after = &rest[start + 2..];
        let end = after
            .find("}}")
            .ok_or_else(|| format!("`{{{{` without `}}}}` in `{s}`"))?;
        let inner = after[..end].trim();
        let (name, filter) = match inner.split_once('|') {
            None => (inner, None),
            Some((n, "cn_date")) => (n.trim(), Some(Filter::CnDate)),
            Some((_, f)) => return Err(format!("unknown filter `{}` (known: cn_date)", f.trim())),
        };
        if name.is_empty()
            || !name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        {
            return Err(format!(
                "bad placeholder name `{name}` (use a-z, 0-9 and _)"
            ));
        }
        parts.push(Part::Var {
            name: name.to_string(),
            filter,
        });
        rest = &after[end + 2..];
    }
    if rest.contains("}}") {
        return Err(format!("`}}}}` without `{{{{` in `{s}`"));
    }
    if !rest.is_empty() {
        parts.push(Part::Text(rest.to_string()));
    }
    Ok(parts)
}

/// Demo case facts for `jiancha letter sample`: one overdue case with names that are missing
/// from some CJK fonts (堃 喆 𠮷), so previews exercise the font fallback.
pub fn demo_facts(kind: LetterKind) -> BTreeMap<String, String> {
    let mut f: BTreeMap<String, String> = [
        ("issuer", "新城市电子监察中心"),
        ("unit", "新城市市场监督管理局"),
        (
            "unit_discipline_body",
            "市纪委监委派驻市市场监督管理局纪检监察组",
        ),
        ("item_name", "食品经营许可证核发"),
        ("case_no", "XK2026-0310-000123"),
        ("applicant", "新城市𠮷祥餐饮管理有限公司"),
        ("handler", "王堃"),
        ("leader_note", "（李喆）"),
        ("accepted_on", "2026-02-09"),
        ("time_limit", "10个工作日"),
        ("due_on", "2026-02-27"),
        ("yellow_card_on", "2026-02-28"),
        ("issue_date", "2026-03-06"),
        ("contact_name", "赵敏"),
        ("contact_phone", "0991-1234567"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let extra: &[(&str, &str)] = match kind {
        LetterKind::Admonition => &[
            ("doc_no", "新监效告〔2026〕12号"),
            ("rectify_days", "5"),
            ("rectify_deadline", "2026-03-13"),
        ],
        LetterKind::InvestigationNotice => &[
            ("doc_no", "新监调通〔2026〕3号"),
            ("red_card_on", "2026-03-04"),
            (
                "admonition_sentence",
                "新城市电子监察中心于2026年3月2日向该单位发出《效能告诫书》（新监效告〔2026〕12号）。该单位未在规定期限内整改到位，",
            ),
            (
                "admonition_attachment",
                "效能告诫书（新监效告〔2026〕12号）及送达回证复印件",
            ),
            ("report_days", "15"),
            ("report_deadline", "2026-03-27"),
        ],
    };
    for (k, v) in extra {
        f.insert(k.to_string(), v.to_string());
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_templates_fill_from_demo_facts() {
        for kind in LetterKind::ALL {
            let t = Template::embedded(kind).unwrap();
            let l = t.fill(&demo_facts(kind)).unwrap();
            assert_eq!(l.kind, kind);
            assert_eq!(l.title, kind.name_zh());
            assert!(l.body.len() >= 3, "{kind}: {:?}", l.body);
            assert!(!l.body.iter().any(|p| p.contains("{{")));
            assert_eq!(l.date.to_string(), "2026年3月6日");
            // Every placeholder used is in the demo facts (and the other way round is not needed).
            for p in t.placeholders() {
                assert!(demo_facts(kind).contains_key(&p), "{kind}: demo lacks {p}");
            }
        }
    }

    #[test]
    fn a_gap_is_kept_visible_and_found() {
        let mut facts = demo_facts(LetterKind::Admonition);
        facts.insert("handler".into(), crate::missing_fact("承办人"));
        facts.insert("due_on".into(), crate::missing_fact("办结期限"));
        facts.insert("contact_phone".into(), crate::missing_fact("联系电话"));
        let l = Template::embedded(LetterKind::Admonition)
            .unwrap()
            .fill(&facts)
            .unwrap();
        assert!(l.body_text().contains("承办人：【待补：承办人】"));
        assert!(l.body_text().contains("应于【待补：办结期限】前办结"));
        assert_eq!(l.missing_facts(), ["办结期限", "承办人", "联系电话"]);
        let full = Template::embedded(LetterKind::Admonition)
            .unwrap()
            .fill(&demo_facts(LetterKind::Admonition))
            .unwrap();
        assert!(full.missing_facts().is_empty());
        assert_eq!(
            crate::missing_facts("甲【待补：乙】丙【待补：乙】【待补：丁"),
            ["乙"]
        );
    }

    #[test]
    fn missing_value_names_the_placeholder() {
        let mut facts = demo_facts(LetterKind::Admonition);
        facts.remove("case_no");
        let e = Template::embedded(LetterKind::Admonition)
            .unwrap()
            .fill(&facts)
            .unwrap_err();
        assert!(
            matches!(&e, LetterError::MissingValue { placeholder, .. } if placeholder == "case_no"),
            "{e}"
        );
        assert!(e.to_string().contains("case_no"));
    }

    #[test]
    fn syntax_errors_name_the_line() {
        let t = "title: x\nissuer: a\ndoc_no: b\nrecipient: c\ndate: 2026-03-06\n---\n正文{{oops\n";
        let e = Template::parse(LetterKind::Admonition, "t", t)
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 7"), "{e}");
        let e = Template::parse(LetterKind::Admonition, "t", "titel: x\n---\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("titel"), "{e}");
        let e = Template::parse(LetterKind::Admonition, "t", "title: {{a|upper}}\n---\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("upper"), "{e}");
        let e = Template::parse(LetterKind::Admonition, "t", "title: x\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("---"), "{e}");
    }

    #[test]
    fn fills_dates_lists_and_defaults() {
        let t = "# c\ntitle: 关于{{x}}的\\n通知\nissuer: 中心\ndoc_no: 新监〔2026〕1号\nrecipient: 某局：\ndate: {{d}}\ncc: 甲，乙。\ncc: 丙\nattachment: 一\nattachment: 二\nnote: （联系人：张）\n---\n第一段{{d|cn_date}}。\n\n（一）小标题。正文。\n";
        let facts: BTreeMap<String, String> = [("x", "X"), ("d", "2026-03-06")]
            .into_iter()
            .map(|(a, b)| (a.into(), b.into()))
            .collect();
        let l = Template::parse(LetterKind::Admonition, "t", t)
            .unwrap()
            .fill(&facts)
            .unwrap();
        assert_eq!(l.title, "关于X的\n通知");
        assert_eq!(l.recipient, "某局");
        assert_eq!(l.cc, vec!["甲", "乙", "丙"]);
        assert_eq!(l.attachments, vec!["一", "二"]);
        assert_eq!(l.note.as_deref(), Some("联系人：张"));
        assert_eq!(l.body, vec!["第一段2026年3月6日。", "（一）小标题。正文。"]);
        assert_eq!(l.signature, "中心");
        assert_eq!(l.printed_by, "中心");
        assert_eq!(l.printed_on, l.date);
        assert_eq!(l.deadline, None);

        let mut bad = facts.clone();
        bad.insert("d".into(), "March".into());
        let e = Template::parse(LetterKind::Admonition, "t", t)
            .unwrap()
            .fill(&bad)
            .unwrap_err()
            .to_string();
        assert!(e.contains("date"), "{e}");
    }

    #[test]
    fn load_reads_a_directory_and_reports_a_missing_file() {
        let dir = tempfile::tempdir().unwrap();
        let e = Template::load(LetterKind::Admonition, Some(dir.path()))
            .unwrap_err()
            .to_string();
        assert!(e.contains("admonition.tmpl"), "{e}");
        let text = EMBEDDED[0]
            .1
            .replace("title: 效能告诫书", "title: 效能告诫书（修改）");
        std::fs::write(dir.path().join("admonition.tmpl"), text).unwrap();
        let t = Template::load(LetterKind::Admonition, Some(dir.path())).unwrap();
        assert!(t.source().ends_with("admonition.tmpl"));
        assert_eq!(
            t.fill(&demo_facts(LetterKind::Admonition)).unwrap().title,
            "效能告诫书（修改）"
        );
    }
}
