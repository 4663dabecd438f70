//! `jiancha letter sample|render`: files written, one JSON line, errors that name what was wrong.
//! Needs fonts-noto-cjk (the PDF's fonts).

use std::process::Command;

fn jiancha(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_jiancha"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn sample_writes_docx_and_pdf_and_prints_them() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    for kind in ["admonition", "investigation-notice"] {
        let (code, stdout, stderr) = jiancha(&[
            "letter",
            "sample",
            "--kind",
            kind,
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(code, 0, "{stderr}");
        assert_eq!(stdout.lines().count(), 1, "one JSON line: {stdout}");
        let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        assert_eq!(v["kind"], kind);
        assert!(v["template"].as_str().unwrap().starts_with("embedded:"));
        let files: Vec<&str> = v["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f.as_str().unwrap())
            .collect();
        assert_eq!(files.len(), 2);
        let docx = std::fs::read(files[0]).unwrap();
        let pdf = std::fs::read(files[1]).unwrap();
        assert!(
            files[0].ends_with(&format!("{kind}.docx")) && docx.starts_with(b"PK"),
            "{}",
            files[0]
        );
        assert!(
            files[1].ends_with(&format!("{kind}.pdf")) && pdf.starts_with(b"%PDF"),
            "{}",
            files[1]
        );
    }
}

#[test]
fn templates_dir_is_read_at_run_time() {
    let dir = tempfile::tempdir().unwrap();
    let assets = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/letters");
    let (code, stdout, stderr) = jiancha(&[
        "letter",
        "sample",
        "--kind",
        "admonition",
        "--out",
        dir.path().to_str().unwrap(),
        "--templates",
        assets.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("admonition.tmpl") && !stdout.contains("embedded:"),
        "{stdout}"
    );

    let empty = tempfile::tempdir().unwrap();
    let (code, _, stderr) = jiancha(&[
        "letter",
        "sample",
        "--kind",
        "admonition",
        "--out",
        dir.path().to_str().unwrap(),
        "--templates",
        empty.path().to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("admonition.tmpl"), "{stderr}");
}

#[test]
fn bad_kind_and_missing_facts_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, stderr) = jiancha(&[
        "letter",
        "sample",
        "--kind",
        "memo",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("memo"), "{stderr}");

    let facts = dir.path().join("facts.json");
    std::fs::write(&facts, r#"{"issuer": "新城市电子监察中心", "doc_no": "新监效告〔2026〕1号", "unit": "某局", "issue_date": "2026-03-06"}"#).unwrap();
    let (code, _, stderr) = jiancha(&[
        "letter",
        "render",
        "--kind",
        "admonition",
        "--facts",
        facts.to_str().unwrap(),
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("placeholder `{{"), "{stderr}");
    assert!(
        !dir.path().join("admonition.pdf").exists(),
        "nothing written on error"
    );

    std::fs::write(&facts, r#"["not", "an", "object"]"#).unwrap();
    let (code, _, stderr) = jiancha(&[
        "letter",
        "render",
        "--kind",
        "admonition",
        "--facts",
        facts.to_str().unwrap(),
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("JSON object"), "{stderr}");
}
