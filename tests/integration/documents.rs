//! Documents as they are: folders of notes (ignore rules, globs, binary and other files
//! skipped and counted), Markdown and HTML, JSON Lines with nested keys, standard input,
//! terminal-native search output, and long documents searched as passages.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;

use wordlens::search::{SearchConfig, SearchIndex};
use wordlens::text::{CorpusReader, CorpusSpec};

use crate::{bundled, wordlens};

fn write(path: &Path, bytes: impl AsRef<[u8]>) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

/// BBC articles as a folder of notes: `<category>/<id>.txt|.md|.html` in turn, plus a
/// `.gitignore`d draft, a hidden file, a binary file and a Python file.
fn notes_folder(dir: &Path, n: usize, step: usize) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    let mut spec = CorpusSpec::new(bundled("bbc-news.csv")).label_col("category");
    spec.id_col = Some("id".into());
    spec.title_col = Some("title".into());
    let every = CorpusReader::open(&spec).unwrap().step_by(step).take(n);
    for (i, d) in every.enumerate() {
        let d = d.unwrap();
        let label = d.label.unwrap();
        let title = d.title.unwrap();
        let (name, body) = match i % 3 {
            0 => (format!("{label}/{}.txt", d.id), d.text.clone()),
            1 => (
                format!("{label}/{}.md", d.id),
                format!("# {title}\n\n{}", d.text),
            ),
            _ => (
                format!("{label}/deeper/{}.html", d.id),
                format!(
                    "<html><head><title>{title}</title><script>var x = 1;</script></head>\
                     <body><p>{}</p></body></html>",
                    d.text.replace('&', "&amp;")
                ),
            ),
        };
        write(&dir.join(&name), body);
        ids.insert(name);
    }
    write(&dir.join(".gitignore"), "drafts/\n");
    write(
        &dir.join("drafts/plan.txt"),
        "zanzibarian draft never indexed",
    );
    write(&dir.join(".hidden.txt"), "zanzibarian hidden note");
    write(&dir.join("tech/blob.txt"), b"zanzibarian\x00\x01\x02binary");
    write(&dir.join("tech/script.py"), "print('zanzibarian')");
    ids
}

/// `wordlens index --data DATA --index IX EXTRA…`.
fn index_at(data: &Path, ix: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "index",
        "--data",
        data.to_str().unwrap(),
        "--index",
        ix.to_str().unwrap(),
    ];
    args.extend(extra);
    wordlens(&args)
}

fn index_ids(ix: &Path) -> BTreeSet<String> {
    let index = SearchIndex::open(ix, &SearchConfig::default()).unwrap();
    index.documents().iter().map(|d| d.id.clone()).collect()
}

#[test]
fn a_folder_is_read_as_ripgrep_finds_files_and_skips_are_counted() {
    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("notes");
    let expected = notes_folder(&notes, 60, 1);
    let ix = dir.path().join("ix");
    let out = index_at(&notes, &ix, &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("indexed 60 documents"),
        "{out:?}"
    );
    // The binary file and the Python file are counted; the ignored and hidden ones are not
    // documents at all.
    assert!(
        stderr.contains("skipped 2 files") && stderr.contains("1 binary"),
        "{stderr}"
    );
    assert!(
        stderr.contains("tech/blob.txt: binary (a NUL byte at offset 11)"),
        "{stderr}"
    );
    assert_eq!(index_ids(&ix), expected);
    let index = SearchIndex::open(&ix, &SearchConfig::default()).unwrap();
    let mut spec = CorpusSpec::new(bundled("bbc-news.csv"));
    spec.id_col = Some("id".into());
    spec.title_col = Some("title".into());
    let first: Vec<_> = CorpusReader::open(&spec)
        .unwrap()
        .take(3)
        .map(Result::unwrap)
        .collect();
    for (i, d) in first.iter().enumerate() {
        let n = index
            .documents()
            .iter()
            .position(|e| e.id.contains(&d.id))
            .unwrap();
        // Titles: the Markdown heading and the HTML <title>; a .txt's first line.
        if i > 0 {
            assert_eq!(index.documents()[n].title, d.title, "{}", d.id);
        }
        let text = index.text(n as u32).unwrap();
        assert!(!text.contains("<p>") && !text.contains("var x"), "{text}");
        assert!(
            text.contains(d.text.lines().next().unwrap().trim()),
            "{text}"
        );
    }
    // Nothing ignored, hidden or binary is searchable.
    let found = wordlens(&[
        "search",
        "--index",
        ix.to_str().unwrap(),
        "--mode",
        "bm25",
        "zanzibarian",
    ]);
    assert_eq!(String::from_utf8_lossy(&found.stdout), "no results\n");
}

#[test]
fn globs_include_and_exclude_and_strict_stops_at_a_bad_file() {
    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("notes");
    notes_folder(&notes, 12, 1);
    let ix = dir.path().join("ix");
    let out = index_at(&notes, &ix, &["--glob", "!**/*.html"]);
    assert!(out.status.success(), "{out:?}");
    let ids = index_ids(&ix);
    assert_eq!(ids.len(), 8, "{ids:?}");
    assert!(ids.iter().all(|id| !id.ends_with(".html")), "{ids:?}");
    // An include glob reads a file of another extension as text.
    let out = index_at(&notes, &ix, &["--glob", "*.py"]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        index_ids(&ix),
        BTreeSet::from(["tech/script.py".to_string()])
    );
    let strict = index_at(&notes, &ix, &["--strict"]);
    let err = String::from_utf8_lossy(&strict.stderr);
    assert!(!strict.status.success(), "{err}");
    assert!(
        err.contains("tech/blob.txt") && err.contains("NUL byte"),
        "{err}"
    );
    // The failed run left the last index as it was.
    assert_eq!(
        index_ids(&ix),
        BTreeSet::from(["tech/script.py".to_string()])
    );
    let empty = dir.path().join("empty");
    std::fs::create_dir_all(empty.join("sub")).unwrap();
    let out = index_at(&empty, &ix, &[]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && err.contains("no documents in this folder"),
        "{err}"
    );
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_is_reported_not_followed_forever() {
    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("notes");
    write(
        &notes.join("a/note.md"),
        "# Tea\nGreen tea is grown in Japan",
    );
    std::os::unix::fs::symlink(&notes, notes.join("a/loop")).unwrap();
    let ix = dir.path().join("ix");
    let out = index_at(&notes, &ix, &[]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("1 unreadable") && err.contains("loop"),
        "{err}"
    );
    assert_eq!(index_ids(&ix), BTreeSet::from(["a/note.md".to_string()]));
}

#[test]
fn labels_come_from_the_folder_for_classification() {
    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("notes");
    notes_folder(&notes, 400, 5);
    let spec = CorpusSpec {
        label_from_folder: true,
        ..CorpusSpec::new(&notes)
    };
    let docs: Vec<_> = CorpusReader::open(&spec)
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(docs.len(), 400);
    for d in &docs {
        assert!(
            d.id.starts_with(&format!("{}/", d.label.as_deref().unwrap())),
            "{d:?}"
        );
    }
    let out = wordlens(&[
        "compare",
        "--data",
        notes.to_str().unwrap(),
        "--label-from",
        "folder",
        "--no-tune",
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let classes: Vec<&str> = report["summary"]["classes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c[0].as_str().unwrap())
        .collect();
    assert_eq!(
        classes,
        ["business", "entertainment", "politics", "sports", "tech"]
    );
    // The folders' names are real labels: the embeddings classify them well.
    let best = report["methods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["accuracy"].as_f64().unwrap())
        .fold(0.0, f64::max);
    assert!(best >= 0.95, "best accuracy {best}");
}

/// The first `n` tweets as JSON Lines with the id, text and label nested.
fn tweets_jsonl(n: usize) -> (String, String) {
    let spec = CorpusSpec::new(bundled("tweets-sentiment.csv")).label_col("sentiment");
    let mut csv = String::from("id,text,label\n");
    let mut jsonl = String::new();
    for d in CorpusReader::open(&spec).unwrap().take(n) {
        let d = d.unwrap();
        let id = format!("t{}", d.row);
        let label = d.label.unwrap_or_default();
        csv.push_str(&format!(
            "{id},\"{}\",{label}\n",
            d.text.replace('"', "\"\"")
        ));
        let line = serde_json::json!({"meta": {"id": id, "lang": "en"}, "body": {"text": d.text}, "label": label});
        jsonl.push_str(&format!("{line}\n"));
    }
    (csv, jsonl)
}

#[test]
fn json_lines_index_like_the_same_rows_from_csv() {
    let dir = tempfile::tempdir().unwrap();
    let (csv, jsonl) = tweets_jsonl(3000);
    let (c, j) = (dir.path().join("t.csv"), dir.path().join("t.jsonl"));
    write(&c, csv);
    write(&j, &jsonl);
    let (ixc, ixj) = (dir.path().join("ixc"), dir.path().join("ixj"));
    let a = wordlens(&[
        "index",
        "--data",
        c.to_str().unwrap(),
        "--id-col",
        "id",
        "--index",
        ixc.to_str().unwrap(),
    ]);
    assert!(a.status.success(), "{a:?}");
    let b = wordlens(&[
        "index",
        "--data",
        j.to_str().unwrap(),
        "--id-col",
        "meta.id",
        "--text-col",
        "body.text",
        "--label-col",
        "label",
        "--index",
        ixj.to_str().unwrap(),
    ]);
    assert!(b.status.success(), "{b:?}");
    let ids = |ix: &Path| -> Vec<String> {
        let index = SearchIndex::open(ix, &SearchConfig::default()).unwrap();
        index.documents().iter().map(|d| d.id.clone()).collect()
    };
    assert_eq!(ids(&ixc), ids(&ixj));
    assert_eq!(ids(&ixj).len(), 3000);
    assert_eq!(
        std::fs::read(ixc.join("vectors.bin")).unwrap(),
        std::fs::read(ixj.join("vectors.bin")).unwrap()
    );
    // A line that is not JSON, and one without the key, are named by file and line.
    let bad = dir.path().join("bad.jsonl");
    let lines: Vec<&str> = jsonl.lines().take(5).collect();
    write(
        &bad,
        format!("{}\n{}\n{{\"meta\": oops}}\n", lines[0], lines[1]),
    );
    let out = index_at(&bad, &ixj, &["--text-col", "body.text"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.jsonl:3: not JSON at column 10"), "{err}");
    write(
        &bad,
        format!("{}\n\n{{\"body\": {{\"txt\": \"x\"}}}}\n", lines[0]),
    );
    let out = index_at(&bad, &ixj, &["--text-col", "body.text"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.jsonl:3: no text key \"body.text\""),
        "{err}"
    );
    // The failed builds left the last index.
    assert_eq!(ids(&ixj).len(), 3000);
}

#[test]
fn standard_input_is_a_collection() {
    let dir = tempfile::tempdir().unwrap();
    let (csv, jsonl) = tweets_jsonl(200);
    for (input, extra) in [
        (csv, vec!["--id-col", "id"]),
        (
            jsonl,
            vec!["--id-col", "meta.id", "--text-col", "body.text"],
        ),
    ] {
        let ix = dir.path().join("ix");
        let mut args = vec!["index", "--data", "-", "--index", ix.to_str().unwrap()];
        args.extend(extra);
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_wordlens"))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(&args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let ids = index_ids(&ix);
        assert_eq!(ids.len(), 200);
        assert!(ids.contains("t0") && ids.contains("t199"), "{ids:?}");
    }
}

#[test]
fn search_output_is_styled_on_request_and_plain_in_a_pipe() {
    let dir = tempfile::tempdir().unwrap();
    let ix = dir.path().join("ix");
    let data = crate::shared("ddtp-ja.csv");
    let head: String = std::fs::read_to_string(&data)
        .unwrap()
        .lines()
        .take(300)
        .collect::<Vec<_>>()
        .join("\n");
    write(&dir.path().join("ja.csv"), head);
    let out = wordlens(&[
        "index",
        "--data",
        dir.path().join("ja.csv").to_str().unwrap(),
        "--index",
        ix.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{out:?}");
    let search = |extra: &[&str], no_color: Option<&str>| -> String {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_wordlens"));
        cmd.args(["search", "--index", ix.to_str().unwrap(), "-k", "3"])
            .args(extra)
            .arg("パッケージ");
        cmd.env_remove("NO_COLOR");
        if let Some(v) = no_color {
            cmd.env("NO_COLOR", v);
        }
        let out = cmd.output().unwrap();
        assert!(out.status.success(), "{out:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    let styled = search(&["--color", "always"], Some("1"));
    assert!(styled.contains("\x1b[1;31mパッケージ\x1b[0m"), "{styled}");
    for plain in [
        search(&[], None),
        search(&["--color", "never"], None),
        search(&["--color", "auto"], Some("1")),
    ] {
        assert!(
            !plain.contains('\x1b') && !plain.contains("<b>") && !plain.contains("&quot;"),
            "{plain}"
        );
        assert!(plain.contains("パッケージ"), "{plain}");
    }
    let json: serde_json::Value = serde_json::from_str(&search(&["--json"], None)).unwrap();
    for hit in json["hits"].as_array().unwrap() {
        let snippet = hit["snippet"].as_str().unwrap();
        let matches = hit["matches"].as_array().unwrap();
        assert!(!matches.is_empty() && !snippet.contains("<b>"), "{hit}");
        for m in matches {
            let (s, e) = (
                m[0].as_u64().unwrap() as usize,
                m[1].as_u64().unwrap() as usize,
            );
            assert_eq!(&snippet[s..e], "パッケージ", "{hit}");
        }
    }
}

/// The Wikipedia sample as a CSV, and known-item queries taken from beyond each article's
/// 300th word: 2 sentences of 8-40 words per article (the first two that qualify).
fn wiki_known_items(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf, std::path::PathBuf) {
    let text = std::fs::read_to_string(bundled("enwiki-sample.txt")).unwrap();
    let mut csv = String::from("id,text\n");
    let (mut topics, mut qrels) = (String::new(), String::new());
    for (i, article) in text.lines().filter(|l| !l.trim().is_empty()).enumerate() {
        csv.push_str(&format!("w{i},\"{}\"\n", article.replace('"', "\"\"")));
        let words: Vec<&str> = article.split_whitespace().collect();
        let tail = words.get(300..).unwrap_or(&[]).join(" ");
        let sentences = tail
            .split(". ")
            .map(str::trim)
            .filter(|s| (8..=40).contains(&s.split_whitespace().count()) && !s.contains("'''"));
        for (n, s) in sentences.take(2).enumerate() {
            topics.push_str(&format!("q{i}-{n}\t{s}\n"));
            qrels.push_str(&format!("q{i}-{n} 0 w{i} 1\n"));
        }
    }
    let paths = (
        dir.join("wiki.csv"),
        dir.join("topics.tsv"),
        dir.join("qrels.txt"),
    );
    write(&paths.0, csv);
    write(&paths.1, topics);
    write(&paths.2, qrels);
    paths
}

fn mrr_by_mode(
    index: &Path,
    topics: &Path,
    qrels: &Path,
) -> std::collections::HashMap<String, f64> {
    let out = wordlens(&[
        "eval-search",
        "--quiet",
        "--index",
        index.to_str().unwrap(),
        "--topics",
        topics.to_str().unwrap(),
        "--qrels",
        qrels.to_str().unwrap(),
        "--json",
    ]);
    assert!(out.status.success(), "{out:?}");
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    r["modes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["mode"].as_str().unwrap().to_string(),
                m["mrr_at_10"].as_f64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn passages_find_what_long_articles_say_past_their_start() {
    let dir = tempfile::tempdir().unwrap();
    let (csv, topics, qrels) = wiki_known_items(dir.path());
    let (whole, cut) = (dir.path().join("whole"), dir.path().join("cut"));
    for (ix, extra) in [(&whole, vec!["--passage-tokens", "0"]), (&cut, vec![])] {
        let mut args = vec![
            "index",
            "--quiet",
            "--data",
            csv.to_str().unwrap(),
            "--id-col",
            "id",
        ];
        args.extend(["--index", ix.to_str().unwrap()]);
        args.extend(extra);
        let out = wordlens(&args);
        assert!(out.status.success(), "{out:?}");
        // Documents are counted once, however many passages they have.
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("indexed 106 documents"),
            "{out:?}"
        );
    }
    let (w, c) = (
        mrr_by_mode(&whole, &topics, &qrels),
        mrr_by_mode(&cut, &topics, &qrels),
    );
    // Measured: vector 0.74 → 0.93 (bench/passages.py has the table).
    assert!(
        c["vector"] >= w["vector"] + 0.15,
        "whole {w:?}, passages {c:?}"
    );
    assert!(c["hybrid"] >= w["hybrid"], "whole {w:?}, passages {c:?}");
    assert!(
        c["bm25"] >= w["bm25"] - 0.005,
        "whole {w:?}, passages {c:?}"
    );
}

#[test]
fn a_long_note_is_found_by_its_passage_with_the_line_it_starts_on() {
    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("notes");
    // One long Markdown note: eight BBC articles, each under its heading.
    let mut spec = CorpusSpec::new(bundled("bbc-news.csv"));
    spec.title_col = Some("title".into());
    let articles: Vec<_> = CorpusReader::open(&spec)
        .unwrap()
        .step_by(300)
        .take(8)
        .map(Result::unwrap)
        .collect();
    let note: String = articles
        .iter()
        .map(|a| format!("# {}\n\n{}\n\n", a.title.as_deref().unwrap(), a.text))
        .collect();
    write(&notes.join("journal.md"), &note);
    write(&notes.join("short.txt"), "A short note about tea");
    let ix = dir.path().join("ix");
    let out = wordlens(&[
        "index",
        "--quiet",
        "--data",
        notes.to_str().unwrap(),
        "--index",
        ix.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{out:?}");
    let target = &articles[6];
    let sentence: String = target.text.split(". ").nth(1).unwrap().to_string();
    let out = wordlens(&[
        "search",
        "--index",
        ix.to_str().unwrap(),
        "--json",
        &sentence,
    ]);
    assert!(out.status.success(), "{out:?}");
    let hits: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let hits = hits["hits"].as_array().unwrap();
    // Each document once, the long note first, shown by its passage about the article.
    let ids: Vec<&str> = hits.iter().map(|h| h["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        ["journal.md", "short.txt"][..ids.len()].to_vec(),
        "{ids:?}"
    );
    let passage = &hits[0]["passage"];
    let line = passage["line"].as_u64().unwrap() as usize;
    // The passage starts on a line at or before the sentence's, a few paragraphs up at most.
    let sentence_line = note.lines().position(|l| l.contains(&sentence)).unwrap() + 1;
    assert!(
        line <= sentence_line && sentence_line - line <= 20,
        "{passage}: sentence on line {sentence_line}"
    );
    let snippet = hits[0]["snippet"].as_str().unwrap();
    let first_words: String = sentence
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        snippet.contains(&first_words)
            || sentence.contains(snippet.split_whitespace().next().unwrap()),
        "{snippet}"
    );
    assert!(passage["parts"].as_u64().unwrap() >= 3, "{passage}");
    let share = passage["share"].as_f64().unwrap();
    assert!(share > 0.0 && share <= 1.0, "{passage}");
    let text_out = wordlens(&[
        "search",
        "--index",
        ix.to_str().unwrap(),
        "-k",
        "1",
        &sentence,
    ]);
    let text = String::from_utf8_lossy(&text_out.stdout);
    assert!(text.contains(&format!("line {line}, passage ")), "{text}");
}

#[test]
fn indexing_a_folder_again_reads_only_what_changed() {
    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("notes");
    notes_folder(&notes, 30, 1);
    let ix = dir.path().join("ix");
    let ix_s = ix.to_str().unwrap();
    let index = || index_at(&notes, &ix, &[]);
    assert!(index().status.success());
    let before = index_ids(&ix);
    // One file edited, one saved unchanged with a new time, one deleted, one new.
    let names: Vec<String> = before.iter().cloned().collect();
    let edited = notes.join(&names[0]);
    std::fs::write(&edited, "Quokkas smile at tourists on Rottnest Island").unwrap();
    let touched = notes.join(&names[1]);
    let content = std::fs::read(&touched).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(&touched, &content).unwrap();
    std::fs::remove_file(notes.join(&names[2])).unwrap();
    write(
        &notes.join("new/wombat.md"),
        "# Wombats\nWombats dig burrows",
    );
    let out = index();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{out:?}");
    assert!(
        stdout.contains(
            "1 changed, 1 new, 1 deleted, 29 unchanged (1 with a new time but the same content)"
        ) && stdout.contains("(30 documents)"),
        "{stdout}"
    );
    let mut expected = before.clone();
    expected.remove(&names[2]);
    expected.insert("new/wombat.md".into());
    let index_now = SearchIndex::open(&ix, &SearchConfig::default()).unwrap();
    let alive: BTreeSet<String> = (0..index_now.documents().len() as u32)
        .filter(|&d| index_now.is_alive(d) && index_now.documents()[d as usize].starts_document())
        .map(|d| index_now.documents()[d as usize].id.clone())
        .collect();
    assert_eq!(alive, expected);
    let find = |q: &str| {
        let out = wordlens(&[
            "search", "--index", ix_s, "--mode", "bm25", "--json", "-k", "1", q,
        ]);
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v["hits"]
            .as_array()
            .unwrap()
            .first()
            .map(|h| h["id"].as_str().unwrap().to_string())
    };
    assert_eq!(find("quokkas"), Some(names[0].clone()));
    assert_eq!(find("wombats"), Some("new/wombat.md".into()));
    // Nothing changed: nothing read.
    let out = index();
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("0 changed, 0 new, 0 deleted, 31 unchanged"),
        "{out:?}"
    );
    // --rebuild builds anew.
    let out = index_at(&notes, &ix, &["--rebuild"]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("indexed 30 documents"),
        "{out:?}"
    );
}

#[test]
fn watching_a_folder_makes_a_saved_file_searchable() {
    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("notes");
    notes_folder(&notes, 10, 1);
    let ix = dir.path().join("ix");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_wordlens"))
        .args([
            "index",
            "--quiet",
            "--data",
            notes.to_str().unwrap(),
            "--index",
            ix.to_str().unwrap(),
            "--watch",
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait for the watch to start (its line on stderr).
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    while !line.contains("watching") {
        line.clear();
        assert!(
            std::io::BufRead::read_line(&mut stderr, &mut line).unwrap() > 0,
            "watch ended"
        );
    }
    write(
        &notes.join("tech/axolotl.txt"),
        "Axolotls regrow their limbs",
    );
    let ix_s = ix.to_str().unwrap();
    let found = (0..200).any(|_| {
        std::thread::sleep(std::time::Duration::from_millis(50));
        let out = wordlens(&["search", "--index", ix_s, "--mode", "bm25", "axolotls"]);
        String::from_utf8_lossy(&out.stdout).contains("tech/axolotl.txt")
    });
    std::fs::remove_file(notes.join("tech/axolotl.txt")).unwrap();
    let gone = (0..200).any(|_| {
        std::thread::sleep(std::time::Duration::from_millis(50));
        let out = wordlens(&["search", "--index", ix_s, "--mode", "bm25", "axolotls"]);
        String::from_utf8_lossy(&out.stdout) == "no results\n"
    });
    child.kill().unwrap();
    let _ = child.wait();
    assert!(found, "the saved file never became searchable");
    assert!(gone, "the deleted file stayed searchable");
}

#[cfg(unix)]
#[test]
fn the_editor_opens_the_hit_at_its_passage_line() {
    use std::os::unix::fs::PermissionsExt;
    use wordlens::tui::editor;
    let dir = tempfile::tempdir().unwrap();
    let args_file = dir.path().join("args");
    let stub = dir.path().join("stub-editor");
    write(
        &stub,
        format!(
            "#!/bin/sh\nprintf '%s\\n' \"$@\" > {}\n",
            args_file.display()
        ),
    );
    std::fs::set_permissions(&stub, std::fs::Permissions::from_mode(0o755)).unwrap();
    let notes = dir.path().join("notes");
    write(&notes.join("sub/journal.md"), "# Tea\n");
    let file = editor::file_of(&notes, "sub/journal.md");
    editor::open(&format!("{} --wait", stub.display()), &file, 67).unwrap();
    let recorded = std::fs::read_to_string(&args_file).unwrap();
    assert_eq!(
        recorded,
        format!("--wait\n+67\n{}\n", notes.join("sub/journal.md").display())
    );
    let failing = dir.path().join("failing-editor");
    write(&failing, "#!/bin/sh\nexit 3\n");
    std::fs::set_permissions(&failing, std::fs::Permissions::from_mode(0o755)).unwrap();
    let err = editor::open(failing.to_str().unwrap(), &file, 1)
        .unwrap_err()
        .to_string();
    assert!(err.contains("exited with exit status: 3"), "{err}");
    let missing = editor::open("/nonexistent/editor", &file, 1)
        .unwrap_err()
        .to_string();
    assert!(missing.contains("cannot start the editor"), "{missing}");
}
