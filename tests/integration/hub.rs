//! Models by name: the resolver on hub caches the tests build, and `models pull` against a
//! loopback server that serves the hub's URL layout from the bundled model's folder — never the
//! network. Malformed answers (a corrupted file, a file name that climbs out, a stalled server,
//! a length that lies) are refused with nothing half-written.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sha2::Digest;
use wordlens::docvec::encoder::Encoder;
use wordlens::docvec::source::{Located, VectorSource};
use wordlens::hub::ModelName;
use wordlens::hub::pull::{PullOptions, Pulled, pull};
use wordlens::progress::{Cancel, Silent};
use wordlens::{Config, Error};

use crate::bundled;

const COMMIT: &str = "0123456789abcdef0123456789abcdef01234567";

/// How the loopback hub misbehaves.
#[derive(Default, Clone)]
struct Faults {
    /// Close the connection after this many bytes of `model.safetensors` (first GET only).
    cut_model_at: Option<usize>,
    /// Flip a byte of `model.safetensors` (its ETag stays the true hash).
    corrupt_model: bool,
    /// List this extra file name.
    extra_name: Option<String>,
    /// Accept connections and never answer.
    stall: bool,
    /// Announce 100 bytes fewer for `model.safetensors` in HEAD than the GET sends.
    lie_about_length: bool,
    /// Answer a GET of `model.safetensors` with a redirect to this other host (which sends the
    /// client back, and so on).
    redirect_away: Option<String>,
    /// List a 1 KB `config.json` whose HEAD and GET announce 2 GB.
    huge_length: bool,
    /// List this many more files (`fNNNNNN.json`).
    extra_siblings: usize,
}

/// A second host (`localhost`, where the hub is `127.0.0.1`) that redirects every request back
/// to `back` (set once the hub is up) + the same path; records the requests it saw, headers included.
fn serve_redirector(back: Arc<Mutex<String>>) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://localhost:{}", listener.local_addr().unwrap().port());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(50) {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request = String::new();
            loop {
                let mut h = String::new();
                if reader.read_line(&mut h).unwrap_or(0) == 0 || h.trim().is_empty() {
                    break;
                }
                request.push_str(&h);
            }
            let path = request.split_whitespace().nth(1).unwrap_or("/").to_string();
            log.lock().unwrap().push(request);
            let back = back.lock().unwrap().clone();
            let _ = write!(
                stream,
                "HTTP/1.1 302 Found\r\nLocation: {back}{path}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
        }
    });
    (url, seen)
}

/// A hub on 127.0.0.1 serving `files` as `org/name` at `COMMIT`; stops when dropped (and by
/// itself after two minutes).
struct Hub {
    url: String,
    requests: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
}

impl Drop for Hub {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn sha256(b: &[u8]) -> String {
    sha2::Sha256::digest(b)
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect()
}

fn git_sha1(b: &[u8]) -> String {
    let mut h = sha1::Sha1::new();
    h.update(format!("blob {}\0", b.len()).as_bytes());
    h.update(b);
    h.finalize().iter().map(|x| format!("{x:02x}")).collect()
}

fn serve(faults: Faults) -> Hub {
    let dir = bundled("wordllama-l2-supercat");
    let mut files: Vec<(String, Vec<u8>)> = ["model.safetensors", "tokenizer.json", "LICENSE"]
        .iter()
        .map(|f| (f.to_string(), std::fs::read(dir.join(f)).unwrap()))
        .collect();
    if faults.huge_length {
        let mut json = b"{}".to_vec();
        json.resize(1024, b' ');
        files.push(("config.json".into(), json));
    }
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let requests = Arc::new(Mutex::new(Vec::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let (log, halt) = (requests.clone(), stop.clone());
    std::thread::spawn(move || {
        let until = Instant::now() + Duration::from_secs(120);
        let mut cut_done = false;
        let mut stalled = Vec::new();
        while !halt.load(Ordering::Relaxed) && Instant::now() < until {
            let Ok((stream, _)) = listener.accept() else {
                std::thread::sleep(Duration::from_millis(5));
                continue;
            };
            if faults.stall {
                stalled.push(stream);
                continue;
            }
            stream.set_nonblocking(false).unwrap();
            let _ = answer(stream, &files, &faults, &log, &mut cut_done);
        }
    });
    Hub {
        url,
        requests,
        stop,
    }
}

fn answer(
    mut stream: TcpStream,
    files: &[(String, Vec<u8>)],
    faults: &Faults,
    log: &Mutex<Vec<String>>,
    cut_done: &mut bool,
) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut range = None;
    loop {
        let mut h = String::new();
        reader.read_line(&mut h)?;
        if h.trim().is_empty() {
            break;
        }
        if let Some(v) = h.to_ascii_lowercase().strip_prefix("range: bytes=") {
            range = v.trim().trim_end_matches('-').parse::<usize>().ok();
        }
    }
    let mut parts = line.split_whitespace();
    let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    log.lock()
        .unwrap()
        .push(format!("{method} {path} range={range:?}"));
    let head = method == "HEAD";
    if path == "/api/models/org/name/revision/main" {
        let mut names: Vec<String> = files.iter().map(|(n, _)| n.clone()).collect();
        names.push("README.md".into());
        names.extend(faults.extra_name.clone());
        names.extend((0..faults.extra_siblings).map(|i| format!("f{i:06}.json")));
        let body = serde_json::json!({
            "sha": COMMIT,
            "siblings": names.iter().map(|n| serde_json::json!({"rfilename": n})).collect::<Vec<_>>(),
        })
        .to_string();
        return write!(
            stream,
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
    }
    let prefix = format!("/org/name/resolve/{COMMIT}/");
    let Some((name, bytes)) = path
        .strip_prefix(&prefix)
        .and_then(|f| files.iter().find(|(n, _)| n == f))
    else {
        return write!(
            stream,
            "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        );
    };
    let is_model = name == "model.safetensors";
    // LFS files carry their SHA-256 in X-Linked-Etag; small files a git blob id as ETag.
    let etag = if is_model {
        sha256(bytes)
    } else {
        git_sha1(bytes)
    };
    if let Some(away) = faults.redirect_away.as_ref().filter(|_| is_model && !head) {
        return write!(
            stream,
            "HTTP/1.1 302 Found\r\nLocation: {away}{path}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        );
    }
    let huge = faults.huge_length && name == "config.json";
    let mut body = bytes.clone();
    if is_model && faults.corrupt_model {
        body[1000] ^= 0xff;
    }
    if head {
        let size = if is_model && faults.lie_about_length {
            bytes.len() - 100
        } else {
            bytes.len()
        };
        let linked = if is_model {
            format!("X-Linked-Etag: \"{etag}\"\r\nX-Linked-Size: {size}\r\n")
        } else {
            String::new()
        };
        let size = if huge { 2_000_000_000 } else { size };
        return write!(
            stream,
            "HTTP/1.1 200 OK\r\nETag: \"{etag}\"\r\n{linked}Content-Length: {size}\r\nConnection: close\r\n\r\n"
        );
    }
    let from = range.unwrap_or(0).min(body.len());
    let status = if range.is_some() {
        "206 Partial Content"
    } else {
        "200 OK"
    };
    let length = if huge {
        2_000_000_000
    } else {
        body.len() - from
    };
    write!(
        stream,
        "HTTP/1.1 {status}\r\nETag: \"{etag}\"\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n"
    )?;
    let mut rest = &body[from..];
    if is_model && let Some(cut) = faults.cut_model_at.filter(|_| !*cut_done) {
        *cut_done = true;
        rest = &rest[..cut];
    }
    stream.write_all(rest)?;
    stream.flush()
}

fn options(hub: &Hub, cache: &Path, timeout_s: u64) -> PullOptions {
    PullOptions {
        endpoint: hub.url.clone(),
        cache: cache.to_path_buf(),
        timeout: Duration::from_secs(timeout_s),
        token: None,
    }
}

/// Pulls `org/name` from a hub with `faults` into a fresh cache.
fn pull_with(faults: Faults, timeout_s: u64) -> (Hub, tempfile::TempDir, wordlens::Result<Pulled>) {
    let hub = serve(faults);
    let cache = tempfile::tempdir().unwrap();
    let got = pull(
        &name(),
        &options(&hub, cache.path(), timeout_s),
        &Silent,
        &Cancel::new(),
    );
    (hub, cache, got)
}

fn name() -> ModelName {
    ModelName::parse("org/name").unwrap()
}

/// A resolver whose hub cache is `cache` and whose bundled model is the repository's.
fn resolver(cache: &Path) -> wordlens::docvec::source::Resolver {
    let mut config = Config::default();
    config.data.dir = bundled("");
    config.vectors.hub_cache = cache.to_path_buf();
    config.resolver().unwrap()
}

/// The first BBC bodies, to compare document vectors.
fn bbc_texts(n: usize) -> Vec<String> {
    let mut r = csv::Reader::from_path(bundled("bbc-news.csv")).unwrap();
    r.records()
        .take(n)
        .map(|rec| rec.unwrap()[3].to_string())
        .collect()
}

fn vectors_of(encoder: &Encoder, texts: &[String]) -> Vec<Vec<f32>> {
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    match encoder {
        Encoder::Static(m) => m.embed_batch(&refs),
        _ => panic!("expected a static model"),
    }
}

#[test]
fn a_pulled_model_resolves_by_name_and_equals_the_bundled_one() {
    let hub = serve(Faults::default());
    let cache = tempfile::tempdir().unwrap();
    let pulled = pull(
        &name(),
        &options(&hub, cache.path(), 10),
        &Silent,
        &Cancel::new(),
    )
    .unwrap();
    assert_eq!(pulled.commit, COMMIT);
    let mut files: Vec<(String, &str, bool)> = pulled
        .files
        .iter()
        .map(|f| (f.path.clone(), f.checked, f.cached))
        .collect();
    files.sort();
    // README.md is not a file a model folder needs; LICENSE is neither (not fetched).
    assert_eq!(
        files,
        [
            ("model.safetensors".to_string(), "sha256", false),
            ("tokenizer.json".to_string(), "git-sha1", false),
        ]
    );
    let refs = cache.path().join("models--org--name/refs/main");
    assert_eq!(std::fs::read_to_string(refs).unwrap(), COMMIT);
    // The huggingface_hub layout: snapshot entries are links into blobs/.
    let link = pulled.dir.join("model.safetensors");
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );

    let r = resolver(cache.path());
    let source = VectorSource::parse("org/name");
    assert_eq!(r.locate(&source).unwrap(), Located::At(pulled.dir.clone()));
    let by_name = r.open(&source, &[], &Silent, &Cancel::new()).unwrap();
    let default = r
        .open(&VectorSource::Default, &[], &Silent, &Cancel::new())
        .unwrap();
    let texts = bbc_texts(20);
    assert_eq!(
        vectors_of(&by_name.encoder, &texts),
        vectors_of(&default.encoder, &texts)
    );
    assert!(
        default.source.starts_with("bundled model"),
        "{}",
        default.source
    );

    // A second pull finds every file in the cache and downloads nothing.
    let before = hub.requests.lock().unwrap().len();
    let again = pull(
        &name(),
        &options(&hub, cache.path(), 10),
        &Silent,
        &Cancel::new(),
    )
    .unwrap();
    assert!(again.files.iter().all(|f| f.cached));
    let gets = hub.requests.lock().unwrap()[before..]
        .iter()
        .filter(|r| r.starts_with("GET /org/"))
        .count();
    assert_eq!(gets, 0);

    // `wordlens models` lists it with its shape, and `--vectors org/name` works offline.
    let out = Command::new(env!("CARGO_BIN_EXE_wordlens"))
        .args(["models", "--json"])
        .env("HF_HUB_CACHE", cache.path())
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let listed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let models = listed["models"].as_array().unwrap();
    let names: Vec<&str> = models.iter().map(|m| m["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["default", "org/name"]);
    assert!(
        models
            .iter()
            .all(|m| m["dim"] == 256 && m["vocab"] == 32000)
    );
    let out = Command::new(env!("CARGO_BIN_EXE_wordlens"))
        .args(["neighbors", "--vectors", "org/name", "king", "-k", "3"])
        .env("HF_HUB_CACHE", cache.path())
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("monarch")
            || String::from_utf8_lossy(&out.stdout).contains("King")
    );
}

#[test]
fn an_interrupted_download_is_not_used_and_resumes_where_it_stopped() {
    let cut = 5 << 20;
    let hub = serve(Faults {
        cut_model_at: Some(cut),
        ..Faults::default()
    });
    let cache = tempfile::tempdir().unwrap();
    let opts = options(&hub, cache.path(), 10);
    let err = pull(&name(), &opts, &Silent, &Cancel::new())
        .unwrap_err()
        .to_string();
    assert!(err.contains("pull again to resume"), "{err}");
    // Half a download is never a model: no ref, no snapshot the resolver would take.
    let r = resolver(cache.path());
    let e = r
        .locate(&VectorSource::parse("org/name"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("models pull org/name"), "{e}");
    let blobs = cache.path().join("models--org--name/blobs");
    let partial: Vec<PathBuf> = std::fs::read_dir(&blobs)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "incomplete"))
        .collect();
    assert_eq!(partial.len(), 1);
    assert_eq!(std::fs::metadata(&partial[0]).unwrap().len(), cut as u64);

    let pulled = pull(&name(), &opts, &Silent, &Cancel::new()).unwrap();
    let model = pulled
        .files
        .iter()
        .find(|f| f.path == "model.safetensors")
        .unwrap();
    assert_eq!(model.resumed_from, cut as u64);
    let log = hub.requests.lock().unwrap().clone();
    assert!(
        log.iter().any(|l| l.starts_with("GET /org/name/resolve/")
            && l.ends_with(&format!("range=Some({cut})"))),
        "{log:?}"
    );
    let whole = std::fs::read(pulled.dir.join("model.safetensors")).unwrap();
    let original = std::fs::read(bundled("wordllama-l2-supercat/model.safetensors")).unwrap();
    assert!(whole == original, "the resumed file equals the original");
    assert!(r.locate(&VectorSource::parse("org/name")).is_ok());
}

#[test]
fn a_corrupted_file_is_refused_and_nothing_is_left_behind() {
    let faults = Faults {
        corrupt_model: true,
        ..Faults::default()
    };
    let (_hub, cache, got) = pull_with(faults, 10);
    let err = got.unwrap_err();
    assert!(matches!(err, Error::Remote { .. }));
    let msg = err.to_string();
    assert!(
        msg.contains("checksum mismatch") && msg.contains("model.safetensors"),
        "{msg}"
    );
    let repo = cache.path().join("models--org--name");
    let left: Vec<String> = std::fs::read_dir(repo.join("blobs"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    // Only the tokenizer (checked, whole) may stay; no partial or corrupted model blob.
    assert!(left.iter().all(|f| !f.ends_with(".incomplete")), "{left:?}");
    let model_sha =
        sha256(&std::fs::read(bundled("wordllama-l2-supercat/model.safetensors")).unwrap());
    assert!(!left.contains(&model_sha), "{left:?}");
    assert!(!repo.join("snapshots").exists() && !repo.join("refs").exists());
}

#[test]
fn a_file_name_that_climbs_out_of_the_snapshot_is_refused_before_anything_is_written() {
    for bad in ["../../../evil.json", "/etc/evil.json"] {
        let faults = Faults {
            extra_name: Some(bad.into()),
            ..Faults::default()
        };
        let (_hub, cache, got) = pull_with(faults, 10);
        let msg = got.unwrap_err().to_string();
        assert!(msg.contains(bad) && msg.contains("refused"), "{msg}");
        assert_eq!(std::fs::read_dir(cache.path()).unwrap().count(), 0);
    }
}

#[test]
fn a_stalled_server_and_a_lying_length_give_clear_errors() {
    let faults = Faults {
        stall: true,
        ..Faults::default()
    };
    let (hub, _cache, got) = pull_with(faults, 1);
    let msg = got.unwrap_err().to_string();
    assert!(
        msg.contains(&hub.url) && msg.to_lowercase().contains("timed out"),
        "{msg}"
    );

    let faults = Faults {
        lie_about_length: true,
        ..Faults::default()
    };
    let (_hub, cache, got) = pull_with(faults, 10);
    let msg = got.unwrap_err().to_string();
    assert!(
        msg.contains("announced") && msg.contains("refused"),
        "{msg}"
    );
    assert!(!cache.path().join("models--org--name/refs").exists());
}

/// Every path under `root`, relative, sorted.
fn tree(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            out.push(p.strip_prefix(root).unwrap().display().to_string());
            if p.is_dir() && !p.is_symlink() {
                stack.push(p);
            }
        }
    }
    out.sort();
    out
}

/// A pull into `work/cache` with a token; nothing may appear in `work` beside the cache, and no
/// snapshot or ref may be written.
fn hostile_pull(faults: Faults, hub: Option<Hub>) -> (String, Vec<String>) {
    let hub = hub.unwrap_or_else(|| serve(faults));
    let work = tempfile::tempdir().unwrap();
    let cache = work.path().join("cache");
    let mut opts = options(&hub, &cache, 5);
    opts.token = Some("hf_secret".into());
    let msg = pull(&name(), &opts, &Silent, &Cancel::new())
        .unwrap_err()
        .to_string();
    let outside: Vec<String> = tree(work.path())
        .into_iter()
        .filter(|p| !p.starts_with("cache"))
        .collect();
    assert!(outside.is_empty(), "written outside the cache: {outside:?}");
    let written = if cache.exists() { tree(&cache) } else { vec![] };
    assert!(
        !written
            .iter()
            .any(|p| p.contains("snapshots") || p.contains("refs")),
        "{written:?}"
    );
    (msg, written)
}

#[test]
fn a_hub_that_redirects_to_another_host_and_back_gives_a_clear_error() {
    // The hub sends model.safetensors to another host, which sends it back, and so on.
    let back = Arc::new(Mutex::new(String::new()));
    let (away, seen) = serve_redirector(back.clone());
    let hub = serve(Faults {
        redirect_away: Some(away),
        ..Faults::default()
    });
    *back.lock().unwrap() = hub.url.clone();
    let (msg, _) = hostile_pull(Faults::default(), Some(hub));
    assert!(msg.contains("model.safetensors"), "{msg}");
    assert!(msg.to_lowercase().contains("redirect"), "{msg}");
    let seen = seen.lock().unwrap();
    assert!(!seen.is_empty(), "the other host was never asked");
    // The token is the hub's: never sent to the other host.
    assert!(
        seen.iter()
            .all(|r| !r.to_lowercase().contains("authorization")),
        "{seen:?}"
    );
}

#[test]
fn a_two_gigabyte_length_on_a_one_kilobyte_file_gives_a_clear_error() {
    let (msg, written) = hostile_pull(
        Faults {
            huge_length: true,
            ..Faults::default()
        },
        None,
    );
    assert!(
        msg.contains("config.json") && msg.contains("2000000000"),
        "{msg}"
    );
    // At most the 1 KB received, kept as a partial blob to resume from.
    assert!(written.iter().all(|p| !p.ends_with(".json")), "{written:?}");
}

#[test]
fn a_listing_of_100000_files_is_refused_before_anything_is_written() {
    let (msg, written) = hostile_pull(
        Faults {
            extra_siblings: 100_000,
            ..Faults::default()
        },
        None,
    );
    assert!(
        msg.contains("100004 files") && msg.contains("refused"),
        "{msg}"
    );
    assert!(written.is_empty(), "{written:?}");
}

/// A hub cache laid out by hand as huggingface_hub writes it: `main` and `v1` at two commits.
fn hand_built_cache(root: &Path) {
    let repo = root.join("models--someone--model");
    for (rev, commit) in [("main", "aaaa1111"), ("v1", "bbbb2222")] {
        let snap = repo.join("snapshots").join(commit);
        std::fs::create_dir_all(&snap).unwrap();
        for f in ["model.safetensors", "tokenizer.json"] {
            std::fs::copy(bundled("wordllama-l2-supercat").join(f), snap.join(f)).unwrap();
        }
        std::fs::create_dir_all(repo.join("refs")).unwrap();
        std::fs::write(repo.join("refs").join(rev), commit).unwrap();
    }
    // A snapshot whose download never finished: its link points to a missing blob.
    let broken = root.join("models--someone--broken/snapshots/cccc3333");
    std::fs::create_dir_all(&broken).unwrap();
    std::fs::copy(
        bundled("wordllama-l2-supercat/tokenizer.json"),
        broken.join("tokenizer.json"),
    )
    .unwrap();
    std::os::unix::fs::symlink("../../blobs/missing", broken.join("model.safetensors")).unwrap();
    std::fs::create_dir_all(root.join("models--someone--broken/refs")).unwrap();
    std::fs::write(root.join("models--someone--broken/refs/main"), "cccc3333").unwrap();
}

#[test]
fn the_resolver_finds_each_kind_of_argument() {
    let cache = tempfile::tempdir().unwrap();
    hand_built_cache(cache.path());
    let r = resolver(cache.path());
    let at = |s: &str| r.locate(&VectorSource::parse(s));
    assert_eq!(
        at("default").unwrap(),
        Located::At(bundled("wordllama-l2-supercat"))
    );
    assert_eq!(at("trained").unwrap(), Located::Train);
    let snaps = cache.path().join("models--someone--model/snapshots");
    assert_eq!(
        at("someone/model").unwrap(),
        Located::At(snaps.join("aaaa1111"))
    );
    assert_eq!(
        at("someone/model@v1").unwrap(),
        Located::At(snaps.join("bbbb2222"))
    );
    // A commit works as a revision too.
    assert_eq!(
        at("someone/model@bbbb2222").unwrap(),
        Located::At(snaps.join("bbbb2222"))
    );
    let path = bundled("wordllama-l2-supercat");
    assert_eq!(
        at(path.to_str().unwrap()).unwrap(),
        Located::At(path.clone())
    );

    let missing = at("nobody/nothing").unwrap_err().to_string();
    assert!(
        missing.contains(
            &cache
                .path()
                .join("models--nobody--nothing")
                .display()
                .to_string()
        ) && missing.contains("wordlens models pull nobody/nothing"),
        "{missing}"
    );
    let rev = at("someone/model@v9").unwrap_err().to_string();
    assert!(rev.contains("revision v9"), "{rev}");
    let broken = at("someone/broken").unwrap_err().to_string();
    assert!(
        broken.contains("incomplete") && broken.contains("missing blob"),
        "{broken}"
    );

    // The bundled model missing (another data folder) says where it looked.
    let mut config = Config::default();
    config.data.dir = cache.path().to_path_buf();
    let e = config
        .resolver()
        .unwrap()
        .locate(&VectorSource::Default)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("bundled model is missing") && e.contains("wordllama-l2-supercat"),
        "{e}"
    );
}
