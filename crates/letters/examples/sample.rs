//! Writes both sample letters to the directory given (default `target/letters-sample`):
//! `cargo run -p jiancha-letters --example sample -- DIR`.
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::path::PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "target/letters-sample".into()),
    );
    std::fs::create_dir_all(&dir)?;
    let t0 = std::time::Instant::now();
    let fonts = jiancha_letters::FontSet::discover()?;
    eprintln!("fonts loaded in {:?}", t0.elapsed());
    for (role, chain) in fonts.describe() {
        eprintln!("{role:?}: {}", chain.join(" → "));
    }
    for kind in jiancha_letters::LetterKind::ALL {
        let letter =
            jiancha_letters::Template::embedded(kind)?.fill(&jiancha_letters::demo_facts(kind))?;
        let t = std::time::Instant::now();
        let pdf = jiancha_letters::render_pdf(&letter, &fonts)?;
        eprintln!("{kind}: pdf {} bytes in {:?}", pdf.len(), t.elapsed());
        std::fs::write(dir.join(format!("{kind}.pdf")), pdf)?;
        std::fs::write(
            dir.join(format!("{kind}.docx")),
            jiancha_letters::render_docx(&letter)?,
        )?;
    }
    Ok(())
}
