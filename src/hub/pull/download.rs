//! One file of a pull: ask its size and hash (head), resume a partial download, download the
//! rest within the announced size, and verify the hash before it joins the cache.

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use sha1::Digest as _;

use super::{MAX_FILE, PullOptions, PulledFile, agent, call, etag_of, request};
use crate::error::{Error, Result};
use crate::progress::{Cancel, Progress, Report};

/// What the requests of one pull share: the options, an agent that follows redirects and one
/// that does not (a HEAD must see the hub's own headers), progress and cancel.
pub(super) struct Client<'a> {
    pub opts: &'a PullOptions,
    pub plain: ureq::Agent,
    no_redirect: ureq::Agent,
    pub progress: &'a dyn Progress,
    pub cancel: &'a Cancel,
}

/// What the hub says of a file before its bytes: its hash (ETag) and size, when it says them.
struct Head {
    etag: Option<String>,
    announced: Option<u64>,
}

/// A response to read from `offset` (a resumed download), and the total it must reach.
struct Body {
    response: ureq::Response,
    offset: u64,
    resumed: bool,
    total: Option<u64>,
}

impl<'a> Client<'a> {
    pub fn new(opts: &'a PullOptions, progress: &'a dyn Progress, cancel: &'a Cancel) -> Self {
        Self {
            opts,
            plain: agent(opts, 5),
            no_redirect: agent(opts, 0),
            progress,
            cancel,
        }
    }

    /// Downloads `file` from `url` into `blobs/` (resuming a partial one) and returns the
    /// blob's path.
    pub fn fetch_file(&self, url: &str, file: &str, blobs: &Path) -> Result<(PathBuf, PulledFile)> {
        let head = self.head(url)?;
        let stem = match &head.etag {
            Some(e) => e.clone(),
            // No hash to name it by: a name from the URL's file, unique within the repository.
            None => format!(
                "unchecked-{}",
                &hex(&sha2::Sha256::digest(url.as_bytes()))[..16]
            ),
        };
        let blob = blobs.join(&stem);
        let checked = match head.etag.as_ref().map(String::len) {
            Some(64) => "sha256",
            Some(40) => "git-sha1",
            _ => "none",
        };
        let mut pulled = PulledFile {
            path: file.to_string(),
            bytes: 0,
            resumed_from: 0,
            cached: false,
            checked,
        };
        if let (Ok(meta), Some(n)) = (std::fs::metadata(&blob), head.announced)
            && meta.len() == n
        {
            pulled.bytes = n;
            pulled.cached = true;
            return Ok((blob, pulled));
        }
        let partial = blobs.join(format!("{stem}.incomplete"));
        let body = self.resume(url, &partial, head.announced)?;
        pulled.resumed_from = if body.resumed { body.offset } else { 0 };
        pulled.bytes = self.download(url, file, &partial, body)?;
        verify(url, &partial, head.etag.as_deref())?;
        std::fs::rename(&partial, &blob).map_err(|e| Error::io(&blob, e))?;
        Ok((blob, pulled))
    }

    /// The hub answers a HEAD on `resolve` with the ETag and size of the file itself
    /// (X-Linked-* for LFS files, whose GET redirects to a CDN); a size over the limit is
    /// refused before any byte is read.
    fn head(&self, url: &str) -> Result<Head> {
        let head = call(request(&self.no_redirect, "HEAD", url, self.opts), url)?;
        let (etag, announced) =
            read_head(url, head.status(), &|h| head.header(h).map(str::to_string))?;
        Ok(Head { etag, announced })
    }

    /// Asks for the bytes after what `partial` already holds (a `Range` request); a server
    /// that answers with the whole file starts it over. A body whose length disagrees with
    /// the announced size is refused.
    fn resume(&self, url: &str, partial: &Path, announced: Option<u64>) -> Result<Body> {
        let mut offset = std::fs::metadata(partial).map(|m| m.len()).unwrap_or(0);
        if announced.is_some_and(|n| offset > n) {
            offset = 0;
        }
        let mut req = request(&self.plain, "GET", url, self.opts);
        if offset > 0 {
            req = req.set("Range", &format!("bytes={offset}-"));
        }
        let response = call(req, url)?;
        let resumed = response.status() == 206;
        if !resumed {
            offset = 0;
        }
        let expected_len = response
            .header("Content-Length")
            .and_then(|s| s.trim().parse::<u64>().ok());
        let total = announced.or(expected_len.map(|n| n + offset));
        if let (Some(t), Some(n)) = (total, expected_len)
            && n + offset != t
        {
            return Err(Error::remote(
                url,
                format!(
                    "the server announced {t} bytes, then sent a body of {n} from byte {offset}; refused"
                ),
            ));
        }
        Ok(Body {
            response,
            offset,
            resumed,
            total,
        })
    }

    /// Appends `body` to `partial` with progress and cancel, holding the server to the size
    /// it announced; returns the file's length. A stopped download keeps the partial file
    /// (the next pull resumes it); one longer than announced deletes it.
    fn download(&self, url: &str, file: &str, partial: &Path, body: Body) -> Result<u64> {
        let mut out = OpenOptions::new()
            .create(true)
            .write(true)
            .append(body.resumed)
            .truncate(!body.resumed)
            .open(partial)
            .map_err(|e| Error::io(partial, e))?;
        let mut reader = body.response.into_reader();
        let mut buf = vec![0u8; 1 << 16];
        let mut done = body.offset;
        let stage = format!("downloading {file}");
        loop {
            self.cancel.check()?;
            let n = reader.read(&mut buf).map_err(|e| {
                let of = body
                    .total
                    .map(|t| format!(" of the {t} announced"))
                    .unwrap_or_default();
                Error::remote(
                    url,
                    format!(
                        "the download stopped after {done} bytes{of}: {e} (the partial file is \
                         kept; pull again to resume)"
                    ),
                )
            })?;
            if n == 0 {
                break;
            }
            done += n as u64;
            if let Some(t) = body.total
                && done > t
            {
                drop(out);
                let _ = std::fs::remove_file(partial);
                return Err(Error::remote(
                    url,
                    format!("the server sent more than the {t} bytes it announced; refused"),
                ));
            }
            out.write_all(&buf[..n])
                .map_err(|e| Error::io(partial, e))?;
            self.progress.report(&Report {
                stage: &stage,
                done,
                total: body.total.unwrap_or(0),
                metrics: &[],
            });
        }
        out.sync_all().map_err(|e| Error::io(partial, e))?;
        drop(out);
        self.progress.finish(&stage);
        if let Some(t) = body.total
            && done < t
        {
            return Err(Error::remote(
                url,
                format!(
                    "the download ended after {done} of {t} bytes (the partial file is kept; pull \
                     again to resume)"
                ),
            ));
        }
        Ok(done)
    }
}

/// What a HEAD answer's status and headers say of a file: its hash (an ETag that names one)
/// and its announced size, refused when over `MAX_FILE`. Public for the fuzz target.
#[doc(hidden)]
pub fn read_head(
    url: &str,
    status: u16,
    header: &dyn Fn(&str) -> Option<String>,
) -> Result<(Option<String>, Option<u64>)> {
    let etag =
        etag_of(header("X-Linked-Etag").as_deref()).or_else(|| etag_of(header("ETag").as_deref()));
    let announced = header("X-Linked-Size")
        .or_else(|| (status == 200).then(|| header("Content-Length")).flatten())
        .and_then(|s| s.trim().parse::<u64>().ok());
    if let Some(n) = announced
        && n > MAX_FILE
    {
        return Err(Error::remote(
            url,
            format!("announces {n} bytes, more than the {MAX_FILE} a model file may have; refused"),
        ));
    }
    Ok((etag, announced))
}

/// Checks `partial` against the hub's ETag (when it names a hash); a mismatch deletes it.
fn verify(url: &str, partial: &Path, etag: Option<&str>) -> Result<()> {
    let Some(e) = etag else {
        return Ok(());
    };
    let got = digest(partial, e.len())?;
    if got != e {
        let _ = std::fs::remove_file(partial);
        return Err(Error::remote(
            url,
            format!(
                "checksum mismatch: the hub's ETag is {e}, the downloaded bytes hash to {got} \
                 (the file was deleted; nothing was added to the cache)"
            ),
        ));
    }
    Ok(())
}

/// The hash an ETag of `len` hex digits names: SHA-256 (64) or a git blob id (40).
pub(super) fn digest(path: &Path, len: usize) -> Result<String> {
    let mut f = File::open(path).map_err(|e| Error::io(path, e))?;
    let size = f.metadata().map_err(|e| Error::io(path, e))?.len();
    let mut buf = vec![0u8; 1 << 16];
    let mut feed = |update: &mut dyn FnMut(&[u8])| -> Result<()> {
        loop {
            let n = f.read(&mut buf).map_err(|e| Error::io(path, e))?;
            if n == 0 {
                return Ok(());
            }
            update(&buf[..n]);
        }
    };
    if len == 64 {
        let mut h = sha2::Sha256::new();
        feed(&mut |b| h.update(b))?;
        Ok(hex(&h.finalize()))
    } else {
        let mut h = sha1::Sha1::new();
        h.update(format!("blob {size}\0").as_bytes());
        feed(&mut |b| h.update(b))?;
        Ok(hex(&h.finalize()))
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
