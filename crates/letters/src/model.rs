//! The letter as plain data: what the renderers draw, independent of templates and formats.

use std::fmt;

use crate::LetterError;

/// The two letters of the early-warning measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LetterKind {
    /// 效能告诫书, sent to the handling unit after a yellow card (Art. B7).
    Admonition,
    /// 初步调查通知书, sent to the unit's discipline body after a red card (Art. B8).
    InvestigationNotice,
}

impl LetterKind {
    pub const ALL: [LetterKind; 2] = [LetterKind::Admonition, LetterKind::InvestigationNotice];

    /// The stable ASCII name used on the CLI, in template file names and output file names.
    pub fn slug(self) -> &'static str {
        match self {
            LetterKind::Admonition => "admonition",
            LetterKind::InvestigationNotice => "investigation-notice",
        }
    }

    /// The letter's Chinese name (its usual title).
    pub fn name_zh(self) -> &'static str {
        match self {
            LetterKind::Admonition => "效能告诫书",
            LetterKind::InvestigationNotice => "初步调查通知书",
        }
    }

    /// The article of the early-warning measures that calls for this letter.
    pub fn article(self) -> &'static str {
        match self {
            LetterKind::Admonition => "B7",
            LetterKind::InvestigationNotice => "B8",
        }
    }

    /// Parses a slug (`admonition`, `investigation-notice`).
    pub fn from_slug(s: &str) -> Result<LetterKind, LetterError> {
        LetterKind::ALL
            .into_iter()
            .find(|k| k.slug() == s)
            .ok_or_else(|| LetterError::UnknownKind(s.to_string()))
    }
}

impl fmt::Display for LetterKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.slug())
    }
}

/// A calendar date written the way GB/T 9704 wants it: full year, Arabic numerals, no zero
/// padding (`2026年3月6日`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CnDate {
    year: u16,
    month: u8,
    day: u8,
}

impl CnDate {
    pub fn new(year: u16, month: u8, day: u8) -> Result<CnDate, LetterError> {
        let bad = || LetterError::InvalidDate(format!("{year}-{month}-{day}"));
        if !(1900..=9999).contains(&year) || !(1..=12).contains(&month) || day == 0 {
            return Err(bad());
        }
        let leap =
            (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
        let days = match month {
            2 if leap => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        if day > days {
            return Err(bad());
        }
        Ok(CnDate { year, month, day })
    }

    pub fn year(self) -> u16 {
        self.year
    }
    pub fn month(self) -> u8 {
        self.month
    }
    pub fn day(self) -> u8 {
        self.day
    }

    /// Accepts ISO `2026-03-06` or Chinese `2026年3月6日` (zero padding tolerated on input).
    pub fn parse(s: &str) -> Result<CnDate, LetterError> {
        let t = s.trim();
        let bad = || LetterError::InvalidDate(s.to_string());
        let parts: Vec<&str> = if let Some(rest) = t.strip_suffix('日') {
            let (y, rest) = rest.split_once('年').ok_or_else(bad)?;
            let (m, d) = rest.split_once('月').ok_or_else(bad)?;
            vec![y, m, d]
        } else {
            t.split('-').collect()
        };
        if parts.len() != 3
            || parts
                .iter()
                .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(bad());
        }
        let y = parts[0].parse::<u16>().map_err(|_| bad())?;
        let m = parts[1].parse::<u8>().map_err(|_| bad())?;
        let d = parts[2].parse::<u8>().map_err(|_| bad())?;
        CnDate::new(y, m, d)
    }
}

impl fmt::Display for CnDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}年{}月{}日", self.year, self.month, self.day)
    }
}

/// Everything a letter shows, already filled in (see `template` for filling it from case facts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LetterData {
    pub kind: LetterKind,
    /// 发文机关 as printed in red at the top (发文机关标志), e.g. `新城市电子监察中心`.
    pub issuer: String,
    /// 发文字号, e.g. `新监效告〔2026〕12号` (full year in 〔〕, no 第, no leading zeros).
    pub doc_no: String,
    /// 标题. A `\n` forces a line break (for the trapezoid shape of long titles).
    pub title: String,
    /// 主送机关, without the closing colon (the renderer adds `：`).
    pub recipient: String,
    /// 正文 paragraphs. A paragraph starting with `一、` is a level-1 heading (黑体), with `（一）`
    /// a level-2 heading (楷体); the heading run ends at the paragraph's first `。`.
    pub body: Vec<String>,
    /// The rectification / reply deadline paragraph, printed after the body (Art. B9).
    pub deadline: Option<String>,
    /// 附件 names, in order (附件说明 after the body).
    pub attachments: Vec<String>,
    /// 发文机关署名 (落款), usually the issuer.
    pub signature: String,
    /// 成文日期.
    pub date: CnDate,
    /// 附注 without the brackets (the renderer adds `（ ）`): contact person and phone.
    pub note: Option<String>,
    /// 抄送机关, without the closing `。`.
    pub cc: Vec<String>,
    /// 印发机关 (版记).
    pub printed_by: String,
    /// 印发日期 (版记).
    pub printed_on: CnDate,
}

impl LetterData {
    /// The body as one editable text, one paragraph per line (what the workflow stores and the
    /// officer edits before issuing).
    pub fn body_text(&self) -> String {
        self.body.join("\n")
    }

    /// The [`crate::missing_fact`] gaps anywhere in the letter (header, body, 版记), each once.
    pub fn missing_facts(&self) -> Vec<String> {
        let mut text: Vec<&str> = vec![
            &self.issuer,
            &self.doc_no,
            &self.title,
            &self.recipient,
            &self.signature,
            &self.printed_by,
        ];
        text.extend(self.body.iter().map(String::as_str));
        text.extend(self.deadline.as_deref());
        text.extend(self.attachments.iter().map(String::as_str));
        text.extend(self.note.as_deref());
        text.extend(self.cc.iter().map(String::as_str));
        crate::missing_facts(&text.join("\n"))
    }

    /// Replaces the body with an edited text: one paragraph per line, blank lines dropped.
    pub fn set_body_text(&mut self, text: &str) {
        self.body = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect();
    }

    /// Checks what GB/T 9704 and the renderers need; the error names the field.
    pub fn validate(&self) -> Result<(), LetterError> {
        let required: [(&'static str, &str); 5] = [
            ("issuer", &self.issuer),
            ("doc_no", &self.doc_no),
            ("title", &self.title),
            ("recipient", &self.recipient),
            ("signature", &self.signature),
        ];
        for (field, v) in required {
            if v.trim().is_empty() {
                return Err(invalid(field, "must not be empty"));
            }
        }
        if self.printed_by.trim().is_empty() {
            return Err(invalid("printed_by", "must not be empty"));
        }
        if self.body.iter().all(|p| p.trim().is_empty()) {
            return Err(invalid("body", "has no paragraph"));
        }
        check_doc_no(&self.doc_no)?;
        for (field, v) in [
            ("issuer", &self.issuer),
            ("doc_no", &self.doc_no),
            ("recipient", &self.recipient),
            ("signature", &self.signature),
        ] {
            if v.contains('\n') {
                return Err(invalid(field, "must be one line"));
            }
        }
        Ok(())
    }
}

fn invalid(field: &'static str, message: &str) -> LetterError {
    LetterError::InvalidField {
        field,
        message: message.to_string(),
    }
}

/// GB/T 9704 7.2.4: 发文字号 = 机关代字 + 〔full year〕 + sequence without 第 or leading zeros + 号.
fn check_doc_no(doc_no: &str) -> Result<(), LetterError> {
    let fail = |m: &str| Err(invalid("doc_no", &format!("`{doc_no}`: {m}")));
    let Some((prefix, rest)) = doc_no.split_once('〔') else {
        return fail("the year must be in 〔〕 (e.g. 新监效告〔2026〕12号)");
    };
    let Some((year, seq)) = rest.split_once('〕') else {
        return fail("missing 〕 after the year");
    };
    if prefix.trim().is_empty() {
        return fail("missing the issuer's code before 〔");
    }
    if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
        return fail("the year in 〔〕 must be four digits");
    }
    let Some(n) = seq.strip_suffix('号') else {
        return fail("must end with 号");
    };
    if n.starts_with('第') {
        return fail("no 第 before the number");
    }
    if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) || n.starts_with('0') {
        return fail("the number must be Arabic digits without leading zeros");
    }
    Ok(())
}

/// A 正文 paragraph split into its heading run (if any) and the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Heading {
    /// `一、` 黑体.
    Level1,
    /// `（一）` 楷体.
    Level2,
}

/// Splits a paragraph into `(heading level, heading run, rest)`. The heading run is the whole
/// paragraph, or its text up to and including the first `。` when more text follows.
pub(crate) fn classify(par: &str) -> (Option<Heading>, &str, &str) {
    const NUM: &[char] = &['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];
    let level = {
        let rest = par.trim_start_matches(NUM);
        if rest.len() < par.len() && rest.starts_with('、') {
            Some(Heading::Level1)
        } else if let Some(inner) = par.strip_prefix('（') {
            let r = inner.trim_start_matches(NUM);
            (r.len() < inner.len() && r.starts_with('）')).then_some(Heading::Level2)
        } else {
            None
        }
    };
    match level {
        None => (None, "", par),
        Some(l) => match par.find('。') {
            Some(i) if i + '。'.len_utf8() < par.len() => {
                let end = i + '。'.len_utf8();
                (Some(l), &par[..end], &par[end..])
            }
            _ => (Some(l), par, ""),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_have_no_zero_padding() {
        assert_eq!(
            CnDate::parse("2026-03-06").unwrap().to_string(),
            "2026年3月6日"
        );
        assert_eq!(
            CnDate::parse("2026年03月06日").unwrap().to_string(),
            "2026年3月6日"
        );
        assert_eq!(
            CnDate::parse("2026年12月31日").unwrap().to_string(),
            "2026年12月31日"
        );
        assert!(CnDate::parse("2026-02-29").is_err());
        assert!(CnDate::parse("2024-02-29").is_ok());
        assert!(CnDate::parse("2026/3/6").is_err());
        assert!(CnDate::parse("").is_err());
    }

    #[test]
    fn doc_no_follows_gbt9704() {
        assert!(check_doc_no("新监效告〔2026〕12号").is_ok());
        for bad in [
            "新监效告[2026]12号",
            "新监效告〔26〕12号",
            "新监效告〔2026〕012号",
            "新监效告〔2026〕第12号",
            "新监效告〔2026〕12",
            "〔2026〕12号",
        ] {
            let e = check_doc_no(bad).unwrap_err().to_string();
            assert!(e.contains("doc_no"), "{bad}: {e}");
        }
    }

    #[test]
    fn headings_are_recognised() {
        assert_eq!(
            classify("一、基本情况"),
            (Some(Heading::Level1), "一、基本情况", "")
        );
        assert_eq!(
            classify("十二、其他。正文"),
            (Some(Heading::Level1), "十二、其他。", "正文")
        );
        assert_eq!(
            classify("（三）明确责任。查明原因。"),
            (Some(Heading::Level2), "（三）明确责任。", "查明原因。")
        );
        assert_eq!(classify("一是加强管理。"), (None, "", "一是加强管理。"));
        assert_eq!(classify("（1）细项"), (None, "", "（1）细项"));
        assert_eq!(classify("经查，"), (None, "", "经查，"));
    }

    #[test]
    fn body_text_round_trips() {
        let mut l = crate::Template::embedded(LetterKind::Admonition)
            .unwrap()
            .fill(&crate::demo_facts(LetterKind::Admonition))
            .unwrap();
        let before = l.body.clone();
        let text = l.body_text();
        l.set_body_text(&format!("{text}\n\n  补充一段。  \r\n"));
        assert_eq!(l.body.len(), before.len() + 1);
        assert_eq!(&l.body[..before.len()], &before[..]);
        assert_eq!(l.body.last().unwrap(), "补充一段。");
    }

    #[test]
    fn kinds_round_trip() {
        for k in LetterKind::ALL {
            assert_eq!(LetterKind::from_slug(k.slug()).unwrap(), k);
        }
        assert!(LetterKind::from_slug("memo")
            .unwrap_err()
            .to_string()
            .contains("memo"));
    }
}
