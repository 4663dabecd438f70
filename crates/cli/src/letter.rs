//! `jiancha letter`: render official letters (效能告诫书 Art. B7, 初步调查通知书 Art. B8) as DOCX
//! and PDF, for template authors to preview their changes.
//!
//! - `jiancha letter sample --kind admonition|investigation-notice --out DIR [--templates DIR]`
//!   fills the template from demo case facts;
//! - `jiancha letter render --kind K --facts FACTS.json --out DIR [--templates DIR]` fills it
//!   from a JSON object of case facts (string values).
//!
//! Both print one JSON line naming the files written; diagnostics go to stderr.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use jiancha_letters::{FontSet, LetterKind, Template};

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(clap::Subcommand)]
enum Cmd {
    /// Render a sample letter from demo data to DIR/<kind>.docx and DIR/<kind>.pdf.
    Sample {
        #[command(flatten)]
        common: Common,
    },
    /// Render a letter from case facts (a JSON object of strings).
    Render {
        #[command(flatten)]
        common: Common,
        /// JSON file with the case facts, e.g. {"case_no": "XK2026-…", …}.
        #[arg(long)]
        facts: PathBuf,
    },
}

#[derive(clap::Args)]
struct Common {
    /// admonition (效能告诫书) or investigation-notice (初步调查通知书).
    #[arg(long)]
    kind: String,
    /// Output directory (created if missing).
    #[arg(long)]
    out: PathBuf,
    /// Directory holding <kind>.tmpl; without it the templates built into the binary are used.
    #[arg(long)]
    templates: Option<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let (common, facts) = match args.cmd {
        Cmd::Sample { common } => {
            let kind = LetterKind::from_slug(&common.kind)?;
            (common, jiancha_letters::demo_facts(kind))
        }
        Cmd::Render { common, facts } => {
            let facts = read_facts(&facts)?;
            (common, facts)
        }
    };
    let kind = LetterKind::from_slug(&common.kind)?;
    let template = Template::load(kind, common.templates.as_deref())?;
    let letter = template.fill(&facts)?;
    std::fs::create_dir_all(&common.out)
        .with_context(|| format!("creating output directory {}", common.out.display()))?;
    let fonts = FontSet::discover()?;
    for (role, chain) in fonts.describe() {
        eprintln!(
            "jiancha letter: {} → {}",
            role.government_name(),
            chain.join(" → ")
        );
    }
    let docx = common.out.join(format!("{}.docx", kind.slug()));
    let pdf = common.out.join(format!("{}.pdf", kind.slug()));
    write(&docx, &jiancha_letters::render_docx(&letter)?)?;
    write(&pdf, &jiancha_letters::render_pdf(&letter, &fonts)?)?;
    let line = serde_json::json!({
        "kind": kind.slug(),
        "title": letter.title,
        "doc_no": letter.doc_no,
        "template": template.source(),
        "files": [docx.display().to_string(), pdf.display().to_string()],
    });
    println!("{line}");
    Ok(ExitCode::SUCCESS)
}

fn write(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    std::fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))
}

/// Case facts: a JSON object whose values are strings (numbers are accepted and written out).
fn read_facts(path: &Path) -> anyhow::Result<BTreeMap<String, String>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading facts {}", path.display()))?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .with_context(|| format!("facts {} is not JSON", path.display()))?;
    let obj = value.as_object().with_context(|| {
        format!(
            "facts {}: expected a JSON object of strings",
            path.display()
        )
    })?;
    obj.iter()
        .map(|(k, v)| match v {
            serde_json::Value::String(s) => Ok((k.clone(), s.clone())),
            serde_json::Value::Number(n) => Ok((k.clone(), n.to_string())),
            other => anyhow::bail!(
                "facts {}: `{k}` must be a string, found {other}",
                path.display()
            ),
        })
        .collect()
}
