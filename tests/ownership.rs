//! Checks of the data-ownership invariants in ARCHITECTURE.md, over the source text:
//!
//! - the "Table ownership" table lists exactly the tables and views the migrations leave, each
//!   once, with an owner that is a crate and modules that exist;
//! - only a table's owning crate has SQL naming it (the CLI's benchmark fixtures excepted);
//! - `crates/service` and the app shell hold no SQL, no rusqlite and no JSON pointer into a
//!   case payload outside their tests;
//! - no module imports a sibling that imports it back, in any crate (over `use` paths and
//!   inline `crate::`/`super::` paths; a module's imports include those of its children).
//!
//! Only std: the scanner is a small Rust lexer (comments dropped, string literals kept apart)
//! and a cut of every `#[cfg(test)]` item.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

// ---------------------------------------------------------------------------------------------
// Source files

/// One Rust source file, lexed: `code` is the text with comments removed and the contents of
/// string and char literals blanked (same length, so offsets hold); `strings` are the literals'
/// contents with their offsets. Test-only items are cut from both.
struct Source {
    path: PathBuf,
    text: String,
    code: Vec<u8>,
    strings: Vec<(usize, String)>,
}

impl Source {
    fn read(path: &Path) -> Source {
        let text = std::fs::read_to_string(path).unwrap();
        let (code, strings) = lex(&text);
        let mut s = Source {
            path: path.to_path_buf(),
            text,
            code,
            strings,
        };
        s.cut_test_items();
        s
    }

    fn line_of(&self, at: usize) -> usize {
        self.text.as_bytes()[..at.min(self.text.len())]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1
    }

    fn code_str(&self) -> String {
        String::from_utf8_lossy(&self.code).into_owned()
    }

    /// Blanks every item under `#[cfg(test)]` (or `#[cfg(all(test, …))]`): the attribute, any
    /// further attributes, and the item up to its `;` or the end of its braced body.
    fn cut_test_items(&mut self) {
        let mut cuts = Vec::new();
        let code = self.code.clone();
        let mut i = 0;
        while let Some(off) = find(&code[i..], b"#[cfg(") {
            let start = i + off;
            let attr_end = match_bracket(&code, start + 1);
            let attr: String = String::from_utf8_lossy(&code[start..attr_end])
                .split_whitespace()
                .collect();
            i = attr_end;
            if !(attr.starts_with("#[cfg(test)") || attr.starts_with("#[cfg(all(test,")) {
                continue;
            }
            // Skip to the end of the item: the first `;` or balanced `{}` at depth 0.
            let mut j = attr_end;
            let mut end = code.len();
            while j < code.len() {
                match code[j] {
                    b'#' if code.get(j + 1) == Some(&b'[') => j = match_bracket(&code, j + 1),
                    b';' => {
                        end = j + 1;
                        break;
                    }
                    b'{' => {
                        end = match_bracket(&code, j);
                        break;
                    }
                    _ => j += 1,
                }
            }
            cuts.push((start, end));
            i = end;
        }
        for &(a, b) in &cuts {
            for c in &mut self.code[a..b] {
                if *c != b'\n' {
                    *c = b' ';
                }
            }
        }
        self.strings
            .retain(|(at, _)| !cuts.iter().any(|&(a, b)| (a..b).contains(at)));
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The offset just past the bracket that closes the one at `open` (`[`, `(` or `{`).
fn match_bracket(code: &[u8], open: usize) -> usize {
    let mut depth = 0usize;
    for (k, &c) in code.iter().enumerate().skip(open) {
        match c {
            b'[' | b'(' | b'{' => depth += 1,
            b']' | b')' | b'}' => {
                depth -= 1;
                if depth == 0 {
                    return k + 1;
                }
            }
            _ => {}
        }
    }
    code.len()
}

/// A small Rust lexer: drops comments, blanks literal contents, collects string literals.
fn lex(text: &str) -> (Vec<u8>, Vec<(usize, String)>) {
    let b = text.as_bytes();
    let mut code = b.to_vec();
    let mut strings = Vec::new();
    let blank = |code: &mut Vec<u8>, a: usize, z: usize| {
        for c in &mut code[a..z] {
            if *c != b'\n' {
                *c = b' ';
            }
        }
    };
    let mut i = 0;
    while i < b.len() {
        let ident_before = i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_');
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                let end = b[i..]
                    .iter()
                    .position(|&c| c == b'\n')
                    .map_or(b.len(), |p| i + p);
                blank(&mut code, i, end);
                i = end;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let (mut depth, mut j) = (1, i + 2);
                while j < b.len() && depth > 0 {
                    if b[j..].starts_with(b"/*") {
                        depth += 1;
                        j += 2;
                    } else if b[j..].starts_with(b"*/") {
                        depth -= 1;
                        j += 2;
                    } else {
                        j += 1;
                    }
                }
                blank(&mut code, i, j);
                i = j;
            }
            b'r' if !ident_before && matches!(b.get(i + 1), Some(b'"') | Some(b'#')) => {
                let hashes = b[i + 1..].iter().take_while(|&&c| c == b'#').count();
                if b.get(i + 1 + hashes) != Some(&b'"') {
                    i += 1;
                    continue;
                }
                let open = i + 2 + hashes;
                let mut close = b"\"".to_vec();
                close.extend(std::iter::repeat_n(b'#', hashes));
                let end = find(&b[open..], &close).map_or(b.len(), |p| open + p);
                strings.push((open, text[open..end].to_string()));
                blank(&mut code, open, end);
                i = (end + close.len()).min(b.len());
            }
            b'"' => {
                let open = i + 1;
                let mut j = open;
                while j < b.len() && b[j] != b'"' {
                    j += if b[j] == b'\\' { 2 } else { 1 };
                }
                let end = j.min(b.len());
                strings.push((open, text[open..end].to_string()));
                blank(&mut code, open, end);
                i = end + 1;
            }
            b'\'' => {
                // A char literal ('x', '\n', '\'', '"') or a lifetime ('a).
                if b.get(i + 1) == Some(&b'\\') {
                    let end = b[i + 2..]
                        .iter()
                        .position(|&c| c == b'\'')
                        .map_or(b.len(), |p| i + 2 + p);
                    blank(&mut code, i + 1, end);
                    i = end + 1;
                } else {
                    let ch = text[i + 1..].chars().next().map_or(1, char::len_utf8);
                    if b.get(i + 1 + ch) == Some(&b'\'') {
                        blank(&mut code, i + 1, i + 1 + ch);
                        i += ch + 2;
                    } else {
                        i += 1;
                    }
                }
            }
            _ => i += 1,
        }
    }
    (code, strings)
}

/// A crate under the workspace: its name as ARCHITECTURE.md spells it and its source files.
struct Crate {
    name: String,
    src: PathBuf,
    files: Vec<Source>,
}

fn rs_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = rd.map(|e| e.unwrap().path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rs_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// Every crate's `src` (the shell's is `src-tauri`, without its build script and binary).
fn crates() -> Vec<Crate> {
    let mut out = Vec::new();
    let mut dirs: Vec<_> = std::fs::read_dir(root().join("crates"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("Cargo.toml").exists())
        .collect();
    dirs.sort();
    for d in dirs {
        let name = d.file_name().unwrap().to_string_lossy().into_owned();
        out.push(crate_at(name, d.join("src")));
    }
    out.push(crate_at("shell".into(), root().join("src-tauri")));
    out
}

fn crate_at(name: String, src: PathBuf) -> Crate {
    let mut paths = Vec::new();
    rs_files(&src, &mut paths);
    let mut files: Vec<Source> = paths
        .iter()
        .filter(|p| !(name == "shell" && (p.ends_with("build.rs") || p.ends_with("main.rs"))))
        .map(|p| Source::read(p))
        .collect();
    // A file declared `#[cfg(test)] mod x;` is test code in full.
    let mut test_modules = BTreeSet::new();
    for f in &files {
        for m in test_mod_decls(&f.text) {
            let dir = module_dir(&src, &f.path);
            test_modules.insert(dir.join(format!("{m}.rs")));
            test_modules.insert(dir.join(&m).join("mod.rs"));
        }
    }
    files.retain(|f| !test_modules.contains(&f.path) && !f.path.ends_with("tests.rs"));
    Crate { name, src, files }
}

/// The names `x` of `#[cfg(test)] mod x;` declarations.
fn test_mod_decls(text: &str) -> Vec<String> {
    let (code, _) = lex(text);
    let code = String::from_utf8_lossy(&code).into_owned();
    let mut out = Vec::new();
    let mut rest = code.as_str();
    while let Some(p) = rest.find("#[cfg(test)]") {
        rest = &rest[p + "#[cfg(test)]".len()..];
        let item = rest.trim_start();
        let item = item.strip_prefix("pub(crate) ").unwrap_or(item);
        if let Some(m) = item.strip_prefix("mod ") {
            let name: String = m
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if m[name.len()..].trim_start().starts_with(';') {
                out.push(name);
            }
        }
    }
    out
}

/// The directory in which a file's child modules live (`a.rs` → `a/`, `a/mod.rs` → `a/`,
/// a crate root → its own directory).
fn module_dir(src: &Path, file: &Path) -> PathBuf {
    let stem = file.file_stem().unwrap().to_string_lossy();
    let parent = file.parent().unwrap();
    if stem == "mod" || (parent == src && (stem == "lib" || stem == "main")) {
        parent.to_path_buf()
    } else {
        parent.join(&*stem)
    }
}

/// A file's module path below the crate root (`a/b.rs` → `["a","b"]`, `a/mod.rs` → `["a"]`).
fn module_path(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).unwrap();
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let last = parts.pop().unwrap();
    let stem = last.trim_end_matches(".rs");
    if !(stem == "mod" || (parts.is_empty() && (stem == "lib" || stem == "main"))) {
        parts.push(stem.to_string());
    }
    parts
}

// ---------------------------------------------------------------------------------------------
// The ownership table and the migrations

/// The tables and views the migrations leave, in order of creation.
fn migrated_tables() -> BTreeSet<String> {
    let dir = root().join("crates/store/migrations");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no migrations under {}", dir.display());
    let mut live = BTreeSet::new();
    for f in files {
        let sql = std::fs::read_to_string(&f).unwrap();
        let sql: String = sql
            .lines()
            .map(|l| l.split("--").next().unwrap())
            .collect::<Vec<_>>()
            .join("\n");
        let words: Vec<String> = sql
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect();
        let kw = |k: usize, s: &str| words.get(k).is_some_and(|w| w.eq_ignore_ascii_case(s));
        let mut k = 0;
        while k < words.len() {
            if kw(k, "CREATE") {
                let mut j = k + 1;
                if kw(j, "TEMP") || kw(j, "TEMPORARY") || kw(j, "VIRTUAL") {
                    j += 1;
                }
                if kw(j, "TABLE") || kw(j, "VIEW") {
                    j += 1;
                    if kw(j, "IF") && kw(j + 1, "NOT") && kw(j + 2, "EXISTS") {
                        j += 3;
                    }
                    live.insert(words[j].clone());
                }
            } else if kw(k, "DROP") && (kw(k + 1, "TABLE") || kw(k + 1, "VIEW")) {
                let mut j = k + 2;
                if kw(j, "IF") && kw(j + 1, "EXISTS") {
                    j += 2;
                }
                live.remove(&words[j]);
            } else if kw(k, "ALTER") && kw(k + 1, "TABLE") && kw(k + 3, "RENAME") && kw(k + 4, "TO")
            {
                live.remove(&words[k + 2]);
                live.insert(words[k + 5].clone());
            }
            k += 1;
        }
    }
    live
}

/// One row of the ownership table.
struct Row {
    tables: Vec<String>,
    owner: String,
    modules: Vec<String>,
    /// The "read through" cell says "no code reads them" (views for inspection).
    unread: bool,
}

fn backticked(cell: &str) -> Vec<String> {
    cell.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

fn ownership_table() -> Vec<Row> {
    let doc = std::fs::read_to_string(root().join("ARCHITECTURE.md")).unwrap();
    let section = doc
        .split("\n## Table ownership")
        .nth(1)
        .expect("ARCHITECTURE.md has a \"## Table ownership\" section");
    let section = section.split("\n## ").next().unwrap();
    let mut rows = Vec::new();
    for line in section.lines().filter(|l| l.starts_with('|')) {
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        if cells.len() < 4 || cells[0] == "table" || cells[0].starts_with("---") {
            continue;
        }
        let owner = backticked(cells[1]);
        assert_eq!(owner.len(), 1, "one owner per row: {line}");
        rows.push(Row {
            tables: backticked(cells[0]),
            owner: owner[0].clone(),
            modules: backticked(cells[2]),
            unread: cells[3].starts_with("no code reads"),
        });
    }
    assert!(!rows.is_empty(), "the ownership table has no rows");
    rows
}

/// Table → owning crate, checked against the migrations and the crates.
fn owners() -> BTreeMap<String, String> {
    let crates: BTreeMap<String, Crate> =
        crates().into_iter().map(|c| (c.name.clone(), c)).collect();
    let mut owner_of = BTreeMap::new();
    let mut problems = Vec::new();
    for row in ownership_table() {
        let Some(krate) = crates.get(&row.owner) else {
            problems.push(format!(
                "owner `{}` is not a crate under crates/",
                row.owner
            ));
            continue;
        };
        for m in &row.modules {
            if !krate.src.join(m).exists() {
                problems.push(format!(
                    "module `{m}` of `{}` does not exist ({})",
                    row.owner,
                    krate.src.join(m).display()
                ));
            }
        }
        for t in row.tables {
            if let Some(o) = owner_of.insert(t.clone(), row.owner.clone()) {
                problems.push(format!(
                    "table `{t}` is listed twice (`{o}`, `{}`)",
                    row.owner
                ));
            }
        }
    }
    let live = migrated_tables();
    let listed: BTreeSet<String> = owner_of.keys().cloned().collect();
    for t in live.difference(&listed) {
        problems.push(format!(
            "table `{t}` (from the migrations) has no owner in ARCHITECTURE.md"
        ));
    }
    for t in listed.difference(&live) {
        problems.push(format!(
            "table `{t}` in ARCHITECTURE.md is not left by the migrations"
        ));
    }
    assert!(
        problems.is_empty(),
        "ownership table:\n{}",
        problems.join("\n")
    );
    owner_of
}

#[test]
fn the_ownership_table_matches_the_migrations() {
    let owner_of = owners();
    assert!(owner_of.contains_key("cases") && owner_of.contains_key("audit_log"));
}

// ---------------------------------------------------------------------------------------------
// Who names a table

/// The tables a string literal names as SQL does: after FROM, JOIN, INTO, UPDATE, TABLE, ON or
/// EXISTS (a table name in prose or in an identifier is not counted).
fn tables_named(s: &str, tables: &BTreeMap<String, String>) -> BTreeSet<String> {
    let words: Vec<&str> = s
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .collect();
    let mut out = BTreeSet::new();
    for pair in words.windows(2) {
        let kw = pair[0].to_ascii_uppercase();
        if ["FROM", "JOIN", "INTO", "UPDATE", "TABLE", "ON", "EXISTS"].contains(&kw.as_str())
            && tables.contains_key(pair[1])
        {
            out.insert(pair[1].to_string());
        }
    }
    out
}

/// Deliberately absent from the rule: the CLI's benchmark fixtures build a city of n cases by
/// inserting cache rows directly (ARCHITECTURE.md, "Table ownership").
fn exempt(krate: &str, file: &Path) -> bool {
    krate == "cli"
        && file
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("bench_"))
}

#[test]
fn only_the_owning_crate_names_a_table_in_sql() {
    let owner_of = owners();
    let mut wrong = Vec::new();
    let mut named_by_owner = BTreeSet::new();
    for krate in crates() {
        for f in &krate.files {
            if exempt(&krate.name, &f.path) {
                continue;
            }
            for (at, s) in &f.strings {
                for t in tables_named(s, &owner_of) {
                    if owner_of[&t] == krate.name {
                        named_by_owner.insert(t);
                    } else {
                        wrong.push(format!(
                            "{}:{}: `{}` names `{t}`, owned by `{}`",
                            f.path.strip_prefix(root()).unwrap().display(),
                            f.line_of(*at),
                            krate.name,
                            owner_of[&t]
                        ));
                    }
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "SQL outside the owning crate:\n{}",
        wrong.join("\n")
    );
    // The table is not stale: its owner does hold the SQL for it (or the migration alone does,
    // for the tables only the store's migrations read).
    // Tables marked "no code reads them" must indeed be named by no code.
    let unread: BTreeSet<String> = ownership_table()
        .into_iter()
        .filter(|r| r.unread)
        .flat_map(|r| r.tables)
        .collect();
    let read: Vec<_> = unread.intersection(&named_by_owner).collect();
    assert!(
        read.is_empty(),
        "marked \"no code reads them\" but read: {read:?}"
    );
    let unused: Vec<_> = owner_of
        .iter()
        .filter(|(t, o)| *o != "store" && !named_by_owner.contains(*t) && !unread.contains(*t))
        .map(|(t, o)| format!("`{t}` (owner `{o}`)"))
        .collect();
    assert!(
        unused.is_empty(),
        "owners that hold no SQL for their table: {}",
        unused.join(", ")
    );
}

/// A self-check of the scanner: it finds SQL in strings, not in comments or test items.
#[test]
fn the_scanner_sees_sql_in_strings_only() {
    let dir = std::env::temp_dir().join(format!("jiancha-ownership-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("x.rs");
    std::fs::write(
        &file,
        "// SELECT * FROM cases\nfn a() { let _ = \"SELECT id FROM cases\"; let c = '\"'; }\n\
         /* UPDATE cases */ fn b<'a>(x: &'a str) { let _ = r#\"DELETE FROM audit_log\"#; }\n\
         #[cfg(test)]\nmod tests { fn t() { let _ = \"INSERT INTO wf_cards\"; } }\n",
    )
    .unwrap();
    let src = Source::read(&file);
    std::fs::remove_dir_all(&dir).unwrap();
    let tables: BTreeMap<String, String> = ["cases", "audit_log", "wf_cards"]
        .iter()
        .map(|t| (t.to_string(), String::new()))
        .collect();
    let mut seen: Vec<(usize, String)> = Vec::new();
    for (at, s) in &src.strings {
        for t in tables_named(s, &tables) {
            seen.push((src.line_of(*at), t));
        }
    }
    assert_eq!(seen, vec![(2, "cases".into()), (3, "audit_log".into())]);
    assert!(!src.code_str().contains("UPDATE"));
}

// ---------------------------------------------------------------------------------------------
// The service and the shell hold no SQL

#[test]
fn the_service_and_the_shell_hold_no_sql() {
    let statement = |s: &str| {
        let u = s.to_ascii_uppercase();
        let w: Vec<&str> = u.split_whitespace().collect();
        let pair = |a: &str, b: &str| w.windows(2).any(|p| p[0] == a && p[1] == b);
        let leads = |a: &str| w.windows(2).any(|p| p[0] == a);
        (leads("SELECT") && u.contains(" FROM "))
            || pair("INSERT", "INTO")
            || pair("DELETE", "FROM")
            || pair("CREATE", "TABLE")
            || (leads("UPDATE") && u.contains(" SET "))
            || u.contains("PRAGMA ")
            || u.contains("JSON_EXTRACT(")
    };
    let mut wrong = Vec::new();
    for krate in crates()
        .into_iter()
        .filter(|c| c.name == "service" || c.name == "shell")
    {
        for f in &krate.files {
            let rel = f.path.strip_prefix(root()).unwrap().display().to_string();
            for (at, s) in &f.strings {
                if statement(s) {
                    wrong.push(format!("{rel}:{}: SQL {:?}", f.line_of(*at), s.trim()));
                }
                if s.starts_with('/') && f.code_str()[..*at].ends_with(".pointer(\"") {
                    wrong.push(format!("{rel}:{}: JSON pointer {s:?}", f.line_of(*at)));
                }
            }
            let code = f.code_str();
            for word in ["rusqlite", ".prepare(", ".execute(", "query_row("] {
                let mut from = 0;
                while let Some(p) = code[from..].find(word) {
                    wrong.push(format!("{rel}:{}: `{word}`", f.line_of(from + p)));
                    from += p + word.len();
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "SQL in the service or the shell:\n{}",
        wrong.join("\n")
    );
}

// ---------------------------------------------------------------------------------------------
// Module cycles

/// The module paths a file's code refers to: `use` trees and inline `crate::`, `super::` and
/// `self::` paths, resolved against the file's own module path.
fn referenced_paths(code: &str, here: &[String]) -> Vec<(usize, Vec<String>)> {
    let b = code.as_bytes();
    let mut out = Vec::new();
    let is_ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    // `use` statements: expand their trees.
    let mut i = 0;
    while let Some(p) = code[i..].find("use ") {
        let at = i + p;
        i = at + 4;
        if at > 0 && is_ident(b[at - 1]) {
            continue;
        }
        let end = code[at..].find(';').map_or(code.len(), |e| at + e);
        let tree: String = code[at + 4..end].split_whitespace().collect();
        let mut paths = Vec::new();
        expand_use(&tree, &mut Vec::new(), &mut paths);
        for path in paths {
            if let Some(abs) = resolve(&path, here, true) {
                out.push((at, abs));
            }
        }
    }
    // Inline paths.
    for anchor in ["crate::", "super::", "self::"] {
        let mut i = 0;
        while let Some(p) = code[i..].find(anchor) {
            let at = i + p;
            i = at + anchor.len();
            if at > 0 && (is_ident(b[at - 1]) || b[at - 1] == b':') {
                continue;
            }
            let mut j = at;
            while j < b.len() && (is_ident(b[j]) || b[j] == b':') {
                j += 1;
            }
            let path: Vec<String> = code[at..j]
                .split("::")
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect();
            if let Some(abs) = resolve(&path, here, false) {
                out.push((at, abs));
            }
        }
    }
    out
}

/// Expands a use tree (`a::{b, c::{d, e}}`, whitespace removed) into its paths.
fn expand_use(tree: &str, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    let tree = tree.trim_start_matches("::");
    if let Some(open) = tree.find('{') {
        let head: Vec<String> = tree[..open]
            .split("::")
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        let n = prefix.len();
        prefix.extend(head);
        let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
        let mut depth = 0;
        let mut start = 0;
        for (k, c) in inner.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    expand_use(&inner[start..k], prefix, out);
                    start = k + 1;
                }
                _ => {}
            }
        }
        expand_use(&inner[start..], prefix, out);
        prefix.truncate(n);
    } else if !tree.is_empty() {
        let mut p = prefix.clone();
        let tree = tree.split(" as ").next().unwrap();
        p.extend(
            tree.split("::")
                .map(|s| s.split("as").next().unwrap_or(s))
                .filter(|s| !s.is_empty() && *s != "*")
                .map(str::to_string),
        );
        out.push(p);
    }
}

/// An absolute module path (below the crate root) for a path seen in module `here`; `None`
/// for paths into other crates. A bare first segment in a `use` is relative to `here`
/// (it is checked against the crate's modules later).
fn resolve(path: &[String], here: &[String], in_use: bool) -> Option<Vec<String>> {
    let mut segs = path.iter().peekable();
    let mut base: Vec<String> = match segs.peek().map(|s| s.as_str()) {
        Some("crate") => {
            segs.next();
            Vec::new()
        }
        Some("self") => {
            segs.next();
            here.to_vec()
        }
        Some("super") => {
            let mut b = here.to_vec();
            while segs.peek().map(|s| s.as_str()) == Some("super") {
                segs.next();
                b.pop();
            }
            b
        }
        Some(_) if in_use => here.to_vec(),
        _ => return None,
    };
    base.extend(segs.cloned());
    Some(base)
}

#[test]
fn no_module_imports_a_sibling_that_imports_it_back() {
    let cycles: Vec<String> = crates().iter().flat_map(module_cycles).collect();
    assert!(cycles.is_empty(), "module cycles:\n{}", cycles.join("\n"));
}

/// A self-check: a cycle between two files is found, and so is one through a folder (a child
/// of `c/` imports `a`, which imports `c`), while parent/child references are not cycles.
#[test]
fn the_cycle_check_finds_cycles() {
    let dir = std::env::temp_dir().join(format!("jiancha-cycles-{}", std::process::id()));
    let src = dir.join("src");
    std::fs::create_dir_all(src.join("c")).unwrap();
    let files = [
        ("lib.rs", "mod a; mod b; mod c; mod e; pub use crate::a::A;"),
        ("a.rs", "use crate::{b::B, c::D};\npub struct A;"),
        (
            "b.rs",
            "pub struct B; fn f() -> crate::a::A { crate::a::A }",
        ),
        ("c/mod.rs", "pub mod d; pub use self::d::D;"),
        (
            "c/d.rs",
            "pub struct D; fn g() { let _ = super::super::a::A; }",
        ),
        (
            "e.rs",
            "#[cfg(test)]\nmod tests { use crate::a::A; }\nuse super::a::A as _X;",
        ),
    ];
    for (f, text) in files {
        std::fs::write(src.join(f), text).unwrap();
    }
    let krate = crate_at("x".into(), src);
    let found = module_cycles(&krate);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].starts_with("x: a, b, c\n"), "{}", found[0]);
    assert!(!found[0].contains(" e"), "{}", found[0]);
}

/// The cycles between sibling modules of one crate, each with the references that make it.
fn module_cycles(krate: &Crate) -> Vec<String> {
    let modules: BTreeSet<Vec<String>> = krate
        .files
        .iter()
        .map(|f| module_path(&krate.src, &f.path))
        .collect();
    // Edges between siblings: a reference from module `a` to module `b`, neither inside the
    // other, is an edge between their children of the deepest common parent.
    let mut edges: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for f in &krate.files {
        let here = module_path(&krate.src, &f.path);
        let code = f.code_str();
        for (at, path) in referenced_paths(&code, &here) {
            let Some(target) = (0..=path.len())
                .rev()
                .map(|n| path[..n].to_vec())
                .find(|p| modules.contains(p))
            else {
                continue;
            };
            let common = here.iter().zip(&target).take_while(|(a, b)| a == b).count();
            if common == here.len() || common == target.len() {
                continue; // one is inside the other
            }
            let why = format!("{}:{}", shown(&f.path), f.line_of(at));
            edges
                .entry(here[..=common].join("::"))
                .or_default()
                .entry(target[..=common].join("::"))
                .or_insert(why);
        }
    }
    strongly_connected(&edges)
        .into_iter()
        .map(|scc| {
            let mut lines = Vec::new();
            for a in &scc {
                for (b, why) in &edges[a] {
                    if scc.contains(b) {
                        lines.push(format!("    {a} -> {b} ({why})"));
                    }
                }
            }
            let names: Vec<&str> = scc.iter().map(String::as_str).collect();
            format!("{}: {}\n{}", krate.name, names.join(", "), lines.join("\n"))
        })
        .collect()
}

/// A path as shown in a failure: relative to the workspace when it is inside it.
fn shown(p: &Path) -> String {
    p.strip_prefix(root()).unwrap_or(p).display().to_string()
}

/// Tarjan's strongly connected components with more than one node.
fn strongly_connected(edges: &BTreeMap<String, BTreeMap<String, String>>) -> Vec<BTreeSet<String>> {
    struct T<'a> {
        edges: &'a BTreeMap<String, BTreeMap<String, String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on: BTreeSet<&'a str>,
        out: Vec<BTreeSet<String>>,
    }
    fn visit<'a>(t: &mut T<'a>, v: &'a str) {
        let n = t.index.len();
        t.index.insert(v, n);
        t.low.insert(v, n);
        t.stack.push(v);
        t.on.insert(v);
        if let Some(next) = t.edges.get(v) {
            for w in next.keys() {
                let w = w.as_str();
                if !t.index.contains_key(w) {
                    visit(t, w);
                    let lw = t.low[w];
                    let lv = t.low.get_mut(v).unwrap();
                    *lv = (*lv).min(lw);
                } else if t.on.contains(w) {
                    let iw = t.index[w];
                    let lv = t.low.get_mut(v).unwrap();
                    *lv = (*lv).min(iw);
                }
            }
        }
        if t.low[v] == t.index[v] {
            let mut scc = BTreeSet::new();
            while let Some(w) = t.stack.pop() {
                t.on.remove(w);
                scc.insert(w.to_string());
                if w == v {
                    break;
                }
            }
            if scc.len() > 1 {
                t.out.push(scc);
            }
        }
    }
    let mut t = T {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        out: Vec::new(),
    };
    for v in edges.keys() {
        if !t.index.contains_key(v.as_str()) {
            visit(&mut t, v);
        }
    }
    t.out
}

// ---------------------------------------------------------------------------------------------
// The wall clock

/// Where reading the wall clock is deliberate: the service's one clock (the rules' "now",
/// the demo clock), and the edges that stamp or sign what happens on this machine: the sync's
/// receipt times, the feed client's retry jitter seed, the SMS platform's request timestamp,
/// the test SMS gateway (a test tool) and the CLI's default `--at`.
const WALL_CLOCK_READERS: &[&str] = &[
    "crates/service/src/clock.rs",
    "crates/feed/src/sync.rs",
    "crates/feed/src/client.rs",
    "crates/notify/src/gateway.rs",
    "crates/notify/src/test_gateway.rs",
    "crates/cli/src/calendar.rs",
];

#[test]
fn the_wall_clock_is_read_in_one_place_per_job() {
    let mut wrong = Vec::new();
    let mut seen = BTreeSet::new();
    for krate in crates() {
        for f in &krate.files {
            if exempt(&krate.name, &f.path) {
                continue;
            }
            let rel = shown(&f.path);
            let code = f.code_str();
            for call in ["Utc::now(", "Local::now(", "SystemTime::now("] {
                let mut from = 0;
                while let Some(p) = code[from..].find(call) {
                    if WALL_CLOCK_READERS.contains(&rel.as_str()) {
                        seen.insert(rel.clone());
                    } else {
                        wrong.push(format!("{rel}:{}: `{call}`", f.line_of(from + p)));
                    }
                    from += p + call.len();
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "the wall clock read outside crates/service/src/clock.rs (use svc.clock()):\n{}",
        wrong.join("\n")
    );
    let stale: Vec<_> = WALL_CLOCK_READERS
        .iter()
        .filter(|r| !seen.contains(**r))
        .collect();
    assert!(
        stale.is_empty(),
        "listed readers that no longer read it: {stale:?}"
    );
}
