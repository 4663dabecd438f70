//! A tiny XML writer: escapes text and attributes and checks that elements nest.

pub(crate) struct Xml {
    buf: String,
    stack: Vec<&'static str>,
}

impl Xml {
    pub fn new() -> Xml {
        Xml {
            buf: String::from("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"),
            stack: Vec::new(),
        }
    }

    fn tag(&mut self, name: &'static str, attrs: &[(&str, &str)]) {
        self.buf.push('<');
        self.buf.push_str(name);
        for (k, v) in attrs {
            self.buf.push(' ');
            self.buf.push_str(k);
            self.buf.push_str("=\"");
            escape_into(&mut self.buf, v, true);
            self.buf.push('"');
        }
    }

    /// `<name attrs>`; must be closed by [`Xml::end`].
    pub fn start(&mut self, name: &'static str, attrs: &[(&str, &str)]) -> &mut Xml {
        self.tag(name, attrs);
        self.buf.push('>');
        self.stack.push(name);
        self
    }

    /// `<name attrs/>`.
    pub fn leaf(&mut self, name: &'static str, attrs: &[(&str, &str)]) -> &mut Xml {
        self.tag(name, attrs);
        self.buf.push_str("/>");
        self
    }

    pub fn text(&mut self, s: &str) -> &mut Xml {
        escape_into(&mut self.buf, s, false);
        self
    }

    /// `<name attrs>text</name>`.
    pub fn text_elem(&mut self, name: &'static str, attrs: &[(&str, &str)], s: &str) -> &mut Xml {
        self.start(name, attrs).text(s).end(name)
    }

    pub fn end(&mut self, name: &'static str) -> &mut Xml {
        let open = self.stack.pop();
        assert_eq!(
            open,
            Some(name),
            "XML writer: closing <{name}> but <{open:?}> is open"
        );
        self.buf.push_str("</");
        self.buf.push_str(name);
        self.buf.push('>');
        self
    }

    pub fn finish(self) -> String {
        assert!(
            self.stack.is_empty(),
            "XML writer: unclosed elements {:?}",
            self.stack
        );
        self.buf
    }
}

fn escape_into(buf: &mut String, s: &str, attr: bool) {
    for c in s.chars() {
        match c {
            '&' => buf.push_str("&amp;"),
            '<' => buf.push_str("&lt;"),
            '>' => buf.push_str("&gt;"),
            '"' if attr => buf.push_str("&quot;"),
            // Characters XML 1.0 forbids are dropped rather than producing a broken part.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => buf.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_nests() {
        let mut x = Xml::new();
        x.start("a", &[("k", "\"<&>")])
            .text("1 < 2 & 3\u{1}")
            .leaf("b", &[])
            .end("a");
        let s = x.finish();
        assert!(
            s.ends_with("<a k=\"&quot;&lt;&amp;&gt;\">1 &lt; 2 &amp; 3<b/></a>"),
            "{s}"
        );
    }

    #[test]
    #[should_panic(expected = "closing")]
    fn mismatched_end_panics() {
        let mut x = Xml::new();
        x.start("a", &[]).end("b");
    }
}
