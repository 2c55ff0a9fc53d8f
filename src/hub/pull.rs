//! `wordlens models pull`: downloads the files a model folder needs into the hub cache, in
//! `huggingface_hub`'s layout, so model2vec and sentence-transformers find them too.
//!
//! What the server says is input like any file: file names are checked before anything is
//! written (no `..`, no absolute path), sizes are announced and then held to (a body longer or
//! shorter than announced is an error), every read has a timeout, and a file whose ETag is a
//! SHA-256 (LFS files) or a git blob id (small files) is checked against it. A file is
//! downloaded to `blobs/ETAG.incomplete` (resumed from there with a `Range` request), renamed
//! when whole and checked; the snapshot's links and then `refs/REVISION` are written last, so
//! an interrupted pull leaves no snapshot that the resolver would use.

use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use super::ModelName;
use super::cache::commit_ok;
use crate::error::{Error, Result};
use crate::fsutil::atomic_write;
use crate::progress::{Cancel, Progress};
use download::Client;
pub use download::read_head;

/// One file: head, resume, download, verify.
mod download;

/// Where and how to download.
#[derive(Debug, Clone)]
pub struct PullOptions {
    /// The hub's address (`HF_ENDPOINT`), without a trailing `/`.
    pub endpoint: String,
    /// The cache folder to download into.
    pub cache: PathBuf,
    /// Longest wait for a connection or for the next bytes of a response.
    pub timeout: Duration,
    /// A hub token (`HF_TOKEN`) for private or gated models.
    pub token: Option<String>,
}

/// One file of a pull.
#[derive(Debug, Clone)]
pub struct PulledFile {
    /// The path inside the model folder.
    pub path: String,
    /// Its size in bytes.
    pub bytes: u64,
    /// Bytes that were already on disk from an earlier, interrupted pull (0: none).
    pub resumed_from: u64,
    /// Already in the cache whole: not downloaded again.
    pub cached: bool,
    /// What the content was checked against: `sha256`, `git-sha1`, or `none` (the server gave
    /// no ETag that names a hash).
    pub checked: &'static str,
}

/// What a pull did.
#[derive(Debug, Clone)]
pub struct Pulled {
    /// The snapshot folder (a model folder wordlens reads).
    pub dir: PathBuf,
    /// The commit it holds.
    pub commit: String,
    /// Its files.
    pub files: Vec<PulledFile>,
}

/// The repository listing of the hub's revision API.
#[derive(Debug, Deserialize)]
pub struct RepoInfo {
    /// The commit the revision names.
    pub sha: String,
    #[serde(default)]
    siblings: Vec<Sibling>,
}

#[derive(Debug, Deserialize)]
struct Sibling {
    rfilename: String,
}

/// Largest listing accepted from the revision API.
const MAX_LISTING: u64 = 16 << 20;
/// Most files a listing may name: real model repositories list a few hundred at most.
const MAX_SIBLINGS: usize = 20_000;
/// Most files one pull downloads (a model folder needs about ten).
const MAX_WANTED: usize = 256;
/// Largest single file accepted (a model bigger than this is not a static model).
const MAX_FILE: u64 = 64 << 30;

/// Whether a model folder needs `path`: weights, tokenizer and configuration files at the top
/// or one module folder down (sentence-transformers' `0_StaticEmbedding/`); not other formats'
/// weights (`.bin`, `.onnx`, ...) nor the README.
pub fn wanted(path: &str) -> bool {
    let depth = path.matches('/').count();
    let file = path.rsplit('/').next().unwrap_or(path);
    depth <= 1
        && !file.starts_with('.')
        && (file.ends_with(".safetensors")
            || file.ends_with(".json")
            || file == "vocab.txt"
            || file == "tokenizer.model")
        && !path.starts_with("onnx/")
        && !path.starts_with("openvino/")
}

/// A server's file name as a relative path inside the snapshot, or an error naming it:
/// no absolute path, no `..`, no empty or `.` part, no backslash.
fn safe_relative(name: &str, url: &str) -> Result<PathBuf> {
    let refuse = |why: &str| {
        Error::remote(
            url,
            format!(
                "the server lists the file {name:?}, which {why}; refused (nothing was written)"
            ),
        )
    };
    if name.is_empty() || name.contains('\\') || name.contains('\0') {
        return Err(refuse("is not a plain relative path"));
    }
    let path = Path::new(name);
    for c in path.components() {
        match c {
            Component::Normal(_) => {}
            Component::ParentDir => return Err(refuse("climbs out of the model folder (..)")),
            _ => return Err(refuse("is absolute or not a plain relative path")),
        }
    }
    Ok(path.to_path_buf())
}

/// An ETag as the server sent it, unquoted and without `W/`; kept only when it is a hash
/// (hex), so it can name a blob file.
fn etag_of(raw: Option<&str>) -> Option<String> {
    let t = raw?.trim().trim_start_matches("W/").trim_matches('"');
    let ok = (t.len() == 40 || t.len() == 64) && t.chars().all(|c| c.is_ascii_hexdigit());
    ok.then(|| t.to_ascii_lowercase())
}

fn agent(opts: &PullOptions, redirects: u32) -> ureq::Agent {
    ureq::AgentBuilder::new()
        .timeout_connect(opts.timeout)
        .timeout_read(opts.timeout)
        .timeout_write(opts.timeout)
        .redirects(redirects)
        .build()
}

fn request(agent: &ureq::Agent, method: &str, url: &str, opts: &PullOptions) -> ureq::Request {
    let r = agent.request(method, url).set(
        "User-Agent",
        concat!("wordlens/", env!("CARGO_PKG_VERSION")),
    );
    match &opts.token {
        Some(t) => r.set("Authorization", &format!("Bearer {t}")),
        None => r,
    }
}

/// The response, or a clear error: unreachable, timed out, or an HTTP error status.
fn call(req: ureq::Request, url: &str) -> Result<ureq::Response> {
    match req.call() {
        Ok(r) => Ok(r),
        Err(ureq::Error::Status(404, _)) => Err(Error::remote(
            url,
            "not found (404): check the model's name and revision",
        )),
        Err(ureq::Error::Status(code @ (401 | 403), _)) => Err(Error::remote(
            url,
            format!("refused ({code}): a private or gated model needs HF_TOKEN"),
        )),
        Err(ureq::Error::Status(code, r)) => Err(Error::remote(
            url,
            format!("the server answered {code} {}", r.status_text()),
        )),
        Err(ureq::Error::Transport(t)) => {
            Err(Error::remote(url, format!("cannot reach the server: {t}")))
        }
    }
}

/// Downloads `name` into `opts.cache` and returns its snapshot folder.
pub fn pull(
    name: &ModelName,
    opts: &PullOptions,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<Pulled> {
    let client = Client::new(opts, progress, cancel);
    let (info, files) = listing(&client, name)?;
    let repo_dir = opts.cache.join(name.folder());
    let blobs = repo_dir.join("blobs");
    std::fs::create_dir_all(&blobs).map_err(|e| Error::io(&blobs, e))?;
    let mut pulled = Vec::new();
    let mut links = Vec::new();
    for (file, rel) in &files {
        cancel.check()?;
        let url = format!(
            "{}/{}/resolve/{}/{file}",
            opts.endpoint,
            name.repo(),
            info.sha
        );
        let (blob, done) = client.fetch_file(&url, file, &blobs)?;
        links.push((rel.clone(), blob));
        pulled.push(done);
    }
    let snapshot = repo_dir.join("snapshots").join(&info.sha);
    for (rel, blob) in &links {
        link_into_snapshot(&snapshot, rel, blob)?;
    }
    let rev = name.revision();
    if rev != info.sha {
        let ref_file = repo_dir.join("refs").join(rev);
        let refs = crate::fsutil::parent_of(&ref_file);
        std::fs::create_dir_all(refs).map_err(|e| Error::io(refs, e))?;
        atomic_write(&ref_file, |w| w.write_all(info.sha.as_bytes()))?;
    }
    Ok(Pulled {
        dir: snapshot,
        commit: info.sha,
        files: pulled,
    })
}

/// The hub's listing of `name` at its revision, checked (see `check_listing`).
fn listing(client: &Client<'_>, name: &ModelName) -> Result<(RepoInfo, Vec<(String, PathBuf)>)> {
    let opts = client.opts;
    let (repo, rev) = (name.repo(), name.revision());
    let info_url = format!("{}/api/models/{repo}/revision/{rev}", opts.endpoint);
    let resp = call(request(&client.plain, "GET", &info_url, opts), &info_url)?;
    let mut body = Vec::new();
    resp.into_reader()
        .take(MAX_LISTING + 1)
        .read_to_end(&mut body)
        .map_err(|e| Error::remote(&info_url, format!("reading the listing failed: {e}")))?;
    check_listing(&body, &info_url, name)
}

/// The revision API's answer `body` for `name`, checked before anything is written: at most
/// `MAX_LISTING` bytes and `MAX_SIBLINGS` files, a commit hash, safe file names, at most
/// `MAX_WANTED` files wanted, among them a tokenizer and weights (each with its path in the
/// folder). Public for the fuzz target, which feeds it the hub's answers without a network.
#[doc(hidden)]
pub fn check_listing(
    body: &[u8],
    info_url: &str,
    name: &ModelName,
) -> Result<(RepoInfo, Vec<(String, PathBuf)>)> {
    if body.len() as u64 > MAX_LISTING {
        return Err(Error::remote(
            info_url,
            format!("the listing is larger than {MAX_LISTING} bytes; refused"),
        ));
    }
    let info: RepoInfo = serde_json::from_slice(body).map_err(|e| {
        Error::remote(
            info_url,
            format!("expected the hub's JSON listing (sha, siblings): {e}"),
        )
    })?;
    if !commit_ok(&info.sha) {
        return Err(Error::remote(
            info_url,
            format!("{:?} is not a commit hash; refused", info.sha),
        ));
    }
    if info.siblings.len() > MAX_SIBLINGS {
        return Err(Error::remote(
            info_url,
            format!(
                "the listing names {} files, more than the {MAX_SIBLINGS} a model repository may list; refused (nothing was written)",
                info.siblings.len()
            ),
        ));
    }
    // Every name is checked before anything is written.
    let mut files = Vec::new();
    for s in &info.siblings {
        let rel = safe_relative(&s.rfilename, info_url)?;
        if wanted(&s.rfilename) {
            files.push((s.rfilename.clone(), rel));
        }
    }
    if files.len() > MAX_WANTED {
        return Err(Error::remote(
            info_url,
            format!(
                "the listing names {} files a model folder would need, more than the {MAX_WANTED} wordlens downloads; refused (nothing was written)",
                files.len()
            ),
        ));
    }
    if !files.iter().any(|(f, _)| f.ends_with("tokenizer.json"))
        || !files.iter().any(|(f, _)| f.ends_with(".safetensors"))
    {
        return Err(Error::remote(
            info_url,
            format!(
                "{name} has no tokenizer.json and .safetensors file: not a model folder wordlens reads"
            ),
        ));
    }
    Ok((info, files))
}

/// Puts `blob` at `snapshot/rel`: a relative link, as `huggingface_hub` makes, or a copy where
/// links are not possible. Written under a temporary name, then renamed.
fn link_into_snapshot(snapshot: &Path, rel: &Path, blob: &Path) -> Result<()> {
    let target = snapshot.join(rel);
    let parent = target.parent().unwrap_or(snapshot);
    std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    let tmp = parent.join(format!(
        ".{}.tmp",
        target
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default()
    ));
    let _ = std::fs::remove_file(&tmp);
    #[cfg(unix)]
    {
        // From snapshots/COMMIT/[dir/]file up to the repository folder, then into blobs/.
        let ups = "../".repeat(2 + rel.components().count() - 1);
        let blob_name = blob.file_name().unwrap_or_default();
        let link = PathBuf::from(format!("{ups}blobs")).join(blob_name);
        std::os::unix::fs::symlink(&link, &tmp).map_err(|e| Error::io(&tmp, e))?;
    }
    #[cfg(not(unix))]
    std::fs::copy(blob, &tmp).map_err(|e| Error::io(&tmp, e))?;
    std::fs::rename(&tmp, &target).map_err(|e| Error::io(&target, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_file_names_that_climb_out_are_refused() {
        for bad in ["../x", "a/../../x", "/etc/passwd", "a\\b", ""] {
            assert!(safe_relative(bad, "u").is_err(), "{bad}");
        }
        assert_eq!(
            safe_relative("0_StaticEmbedding/tokenizer.json", "u").unwrap(),
            PathBuf::from("0_StaticEmbedding/tokenizer.json")
        );
    }

    #[test]
    fn only_a_model_folders_files_are_wanted() {
        for f in [
            "model.safetensors",
            "tokenizer.json",
            "config.json",
            "0_StaticEmbedding/model.safetensors",
            "modules.json",
        ] {
            assert!(wanted(f), "{f}");
        }
        for f in [
            "README.md",
            ".gitattributes",
            "pytorch_model.bin",
            "onnx/model.onnx",
            "a/b/c.json",
        ] {
            assert!(!wanted(f), "{f}");
        }
    }

    #[test]
    fn etags_are_hashes_or_nothing() {
        let sha = "64b47a2dc493cb8e85944076601189739852d7b64e0e1eedcb1937a251cd9fd5";
        assert_eq!(etag_of(Some(&format!("\"{sha}\""))).as_deref(), Some(sha));
        assert_eq!(etag_of(Some("W/\"abc\"")), None);
        assert_eq!(etag_of(Some("\"../../x\"")), None);
    }

    #[test]
    fn git_blob_ids_match_git() {
        // `printf 'hello\n' | git hash-object --stdin`
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        std::fs::write(&p, b"hello\n").unwrap();
        assert_eq!(
            download::digest(&p, 40).unwrap(),
            "ce013625030ba8dba906f756967f9e9ca394464a"
        );
        assert_eq!(
            download::digest(&p, 64).unwrap(),
            "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"
        );
    }
}
