//! SMS message templates with named placeholders: `{handler}`, `{case_no}`, `{item}`,
//! `{deadline}`, … (any name of letters, digits and `_`). `{{` and `}}` are literal braces.

use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    #[error("短信模板缺少占位符 {{{0}}} 的值 (missing value for placeholder {{{0}}})")]
    MissingValue(String),
    #[error("短信模板第 {at} 个字符处的占位符未闭合 (unclosed placeholder at char {at})")]
    Unclosed { at: usize },
    #[error("短信模板第 {at} 个字符处有单独的 '}}' (stray '}}' at char {at}; write '}}}}')")]
    StrayClose { at: usize },
    #[error("短信模板中的占位符名称无效: {{{0}}} (invalid placeholder name)")]
    BadName(String),
    #[error("短信模板为空 (empty template)")]
    Empty,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Slot(String),
}

/// A parsed template. Parse once at configuration time so a bad template is reported
/// when the settings are saved, not at 08:00 when the first notice goes out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageTemplate {
    source: String,
    parts: Vec<Part>,
}

impl MessageTemplate {
    pub fn parse(source: &str) -> Result<Self, TemplateError> {
        if source.trim().is_empty() {
            return Err(TemplateError::Empty);
        }
        let mut parts = Vec::new();
        let mut text = String::new();
        let chars: Vec<char> = source.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            match chars[i] {
                '{' if chars.get(i + 1) == Some(&'{') => {
                    text.push('{');
                    i += 2;
                }
                '}' if chars.get(i + 1) == Some(&'}') => {
                    text.push('}');
                    i += 2;
                }
                '}' => return Err(TemplateError::StrayClose { at: i + 1 }),
                '{' => {
                    let Some(len) = chars[i + 1..].iter().position(|&c| c == '}') else {
                        return Err(TemplateError::Unclosed { at: i + 1 });
                    };
                    let name: String = chars[i + 1..i + 1 + len].iter().collect();
                    if name.is_empty()
                        || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                    {
                        return Err(TemplateError::BadName(name));
                    }
                    if !text.is_empty() {
                        parts.push(Part::Text(std::mem::take(&mut text)));
                    }
                    parts.push(Part::Slot(name));
                    i += len + 2;
                }
                c => {
                    text.push(c);
                    i += 1;
                }
            }
        }
        if !text.is_empty() {
            parts.push(Part::Text(text));
        }
        Ok(MessageTemplate {
            source: source.to_string(),
            parts,
        })
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    /// The placeholder names, in order of first use.
    pub fn placeholders(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for p in &self.parts {
            if let Part::Slot(n) = p {
                if !out.contains(&n.as_str()) {
                    out.push(n);
                }
            }
        }
        out
    }

    /// Fills the placeholders. A placeholder without a value is an error naming it
    /// (never an SMS with a hole in it); values not used by the template are ignored.
    pub fn render(&self, values: &BTreeMap<String, String>) -> Result<String, TemplateError> {
        let mut out = String::new();
        for p in &self.parts {
            match p {
                Part::Text(t) => out.push_str(t),
                Part::Slot(n) => out.push_str(
                    values
                        .get(n)
                        .ok_or_else(|| TemplateError::MissingValue(n.clone()))?,
                ),
            }
        }
        Ok(out)
    }

    /// The template's parameters only (what platforms with registered templates take),
    /// checked like [`MessageTemplate::render`].
    pub fn params(
        &self,
        values: &BTreeMap<String, String>,
    ) -> Result<BTreeMap<String, String>, TemplateError> {
        self.placeholders()
            .into_iter()
            .map(|n| {
                values
                    .get(n)
                    .map(|v| (n.to_string(), v.clone()))
                    .ok_or_else(|| TemplateError::MissingValue(n.to_string()))
            })
            .collect()
    }
}

/// The default warning notice (Art. B6: tell the handler to finish quickly).
pub const DEFAULT_WARNING_TEMPLATE: &str =
    "{handler}同志：您承办的“{item}”（办件编号{case_no}）将于{deadline}到期，请抓紧办理。【{sign}】";

#[cfg(test)]
mod tests {
    use super::*;

    fn vals(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn renders_placeholders_and_literal_braces() {
        let t = MessageTemplate::parse("{handler}：{{注意}} {case_no} / {handler}").unwrap();
        assert_eq!(t.placeholders(), vec!["handler", "case_no"]);
        let s = t
            .render(&vals(&[
                ("handler", "张三"),
                ("case_no", "A-1"),
                ("x", "unused"),
            ]))
            .unwrap();
        assert_eq!(s, "张三：{注意} A-1 / 张三");
    }

    #[test]
    fn missing_value_names_the_placeholder() {
        let t = MessageTemplate::parse(DEFAULT_WARNING_TEMPLATE).unwrap();
        let err = t
            .render(&vals(&[
                ("handler", "张三"),
                ("item", "x"),
                ("case_no", "1"),
                ("sign", "s"),
            ]))
            .unwrap_err();
        assert_eq!(err, TemplateError::MissingValue("deadline".into()));
        assert!(err.to_string().contains("{deadline}"));
        assert_eq!(
            t.params(&vals(&[])).unwrap_err(),
            TemplateError::MissingValue("handler".into())
        );
    }

    #[test]
    fn malformed_templates_are_refused() {
        assert_eq!(
            MessageTemplate::parse("a {b").unwrap_err(),
            TemplateError::Unclosed { at: 3 }
        );
        assert_eq!(
            MessageTemplate::parse("a } b").unwrap_err(),
            TemplateError::StrayClose { at: 3 }
        );
        assert_eq!(
            MessageTemplate::parse("{处理人}").unwrap_err(),
            TemplateError::BadName("处理人".into())
        );
        assert_eq!(
            MessageTemplate::parse("{}").unwrap_err(),
            TemplateError::BadName(String::new())
        );
        assert_eq!(
            MessageTemplate::parse("  ").unwrap_err(),
            TemplateError::Empty
        );
    }
}
