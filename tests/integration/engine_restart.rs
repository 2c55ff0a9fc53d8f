//! A Milvus killed in the middle of `wordlens export`: the export ends with a clear error (exit
//! 69); after a restart on the same data, the next export sends only what the collection is
//! missing, the collection then holds the index's documents once each, and `eval-search
//! --engine` gives the figures of an uninterrupted export. The test runs a Milvus Lite of its
//! own (the one `.ci/run` installs, named by `WORDLENS_MILVUS_LITE`) behind a loopback relay
//! that kills the server once a few batches have passed through it.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use wordlens::engine::EngineUri;
use wordlens::engine::milvus::Milvus;
use wordlens::search::{SearchConfig, SearchIndex};

use crate::{bundled, wordlens};

/// A Milvus Lite server on `port` keeping its data in `data` (kept across restarts).
struct Server {
    child: Child,
}

impl Server {
    fn start(bin: &Path, data: &Path, port: u16) -> Self {
        let child = Command::new(bin)
            .args([
                "server",
                "--data-dir",
                data.to_str().unwrap(),
                "--host",
                "127.0.0.1",
            ])
            .args(["--port", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let until = Instant::now() + Duration::from_secs(60);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < until,
                "Milvus Lite did not start on {port}"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
        Self { child }
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A loopback relay to `port` that kills `server` once `limit` bytes have gone from the client
/// to it; connections close when the server's side does.
fn relay(port: u16, server: Arc<Mutex<Server>>, limit: usize) -> (u16, Arc<AtomicBool>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let relay_port = listener.local_addr().unwrap().port();
    let sent = Arc::new(AtomicUsize::new(0));
    let killed = Arc::new(AtomicBool::new(false));
    let was_killed = killed.clone();
    std::thread::spawn(move || {
        for client in listener.incoming() {
            let Ok(client) = client else { continue };
            let Ok(upstream) = TcpStream::connect(("127.0.0.1", port)) else {
                continue;
            };
            let (c2, u2) = (client.try_clone().unwrap(), upstream.try_clone().unwrap());
            let (sent, killed, server) = (sent.clone(), killed.clone(), server.clone());
            std::thread::spawn(move || {
                pipe(client, upstream, |n| {
                    if sent.fetch_add(n, Ordering::SeqCst) + n > limit
                        && !killed.swap(true, Ordering::SeqCst)
                    {
                        server.lock().unwrap().kill();
                    }
                })
            });
            std::thread::spawn(move || pipe(u2, c2, |_| {}));
        }
    });
    (relay_port, was_killed)
}

/// Copies `from` to `to` until either closes, telling `counted` each chunk's size.
fn pipe(mut from: TcpStream, mut to: TcpStream, counted: impl Fn(usize)) {
    let mut buf = [0u8; 1 << 15];
    while let Ok(n) = from.read(&mut buf) {
        if n == 0 || to.write_all(&buf[..n]).is_err() {
            break;
        }
        counted(n);
    }
    let _ = to.shutdown(Shutdown::Both);
    let _ = from.shutdown(Shutdown::Both);
}

fn export(ix: &Path, to: &str) -> std::process::Output {
    wordlens(&[
        "-q",
        "export",
        "--index",
        ix.to_str().unwrap(),
        "--to",
        to,
        "--json",
    ])
}

fn json(out: &std::process::Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// `eval-search --engine` on the index's titles: the engine's figures per mode and query
/// (timings left out).
fn engine_figures(ix: &Path, to: &str) -> (Vec<serde_json::Value>, serde_json::Value) {
    let out = wordlens(&[
        "-q",
        "eval-search",
        "--index",
        ix.to_str().unwrap(),
        "--known-item-col",
        "title",
        "--engine",
        to,
        // The engine answers a BM25 query in ~0.7 s here: a sample keeps the test short.
        "--max-queries",
        "12",
        "--json",
    ]);
    let engine = json(&out)["engine"].clone();
    let modes = engine["modes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let mut m = m.clone();
            let fields = m.as_object_mut().unwrap();
            fields.retain(|k, _| !k.ends_with("_ms"));
            m
        })
        .collect();
    (modes, engine["per_query"].clone())
}

#[test]
fn a_milvus_killed_mid_export_loses_nothing_and_the_next_export_sends_only_what_is_missing() {
    let Some(bin) = std::env::var_os("WORDLENS_MILVUS_LITE").map(PathBuf::from) else {
        eprintln!(
            "warning: WORDLENS_MILVUS_LITE is not set (`.ci/run` installs Milvus Lite and sets \
             it): the killed-engine test is skipped"
        );
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let ix = crate::engine::index(&bundled("bbc-news.csv"), work.path(), "bbc.wlx", None);
    // One row per document (a long article's passages are sent as one).
    let index = SearchIndex::open(&ix, &SearchConfig::default()).unwrap();
    let docs: Vec<&str> = index
        .documents()
        .iter()
        .filter(|d| d.starts_document())
        .map(|d| d.id.as_str())
        .collect();
    let n = docs.len();
    let (data, port) = (work.path().join("milvus"), free_port());
    std::fs::create_dir_all(&data).unwrap();
    let server = Arc::new(Mutex::new(Server::start(&bin, &data, port)));
    // About three of the nine 256-document batches (each ~0.9 MB) pass before the kill.
    let (relay_port, killed) = relay(port, server.clone(), 2_500_000);
    let collection = format!("killed_{}", std::process::id());
    let through_relay = format!("milvus://127.0.0.1:{relay_port}/{collection}");
    let direct = format!("milvus://127.0.0.1:{port}/{collection}");

    let out = export(&ix, &through_relay);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        killed.load(Ordering::SeqCst),
        "the relay never killed the server"
    );
    assert_eq!(out.status.code(), Some(69), "{err}");
    assert!(err.contains(&collection), "{err}");

    // Restarted on the same data: what survived is kept, and only the rest is sent.
    server.lock().unwrap().kill();
    let _restarted = Server::start(&bin, &data, port);
    let engine = Milvus::connect(&EngineUri::parse(&direct).unwrap()).unwrap();
    let survived = match engine.record().unwrap() {
        Some(_) => {
            engine.load().unwrap();
            engine.count().unwrap()
        }
        None => 0,
    };
    eprintln!("{survived} of {n} documents survived the kill");
    let again = json(&export(&ix, &direct));
    assert_eq!(again["total"].as_u64(), Some(n as u64), "{again}");
    assert_eq!(again["skipped"].as_u64(), Some(survived as u64), "{again}");
    assert_eq!(
        again["written"].as_u64(),
        Some((n - survived) as u64),
        "{again}"
    );
    let ids = engine.ids().unwrap();
    assert_eq!((engine.count().unwrap(), ids.len()), (n, n));
    assert!(docs.iter().all(|d| ids.contains(*d)));

    // The same figures as an export that was never interrupted.
    let clean = format!("milvus://127.0.0.1:{port}/clean_{}", std::process::id());
    json(&export(&ix, &clean));
    let (resumed, clean_figures) = (engine_figures(&ix, &direct), engine_figures(&ix, &clean));
    assert_eq!(resumed.0.len(), 3);
    assert!(resumed.0[0]["queries"].as_u64() >= Some(10), "{resumed:?}");
    assert_eq!(resumed, clean_figures);
    engine.drop_collection().unwrap();
    Milvus::connect(&EngineUri::parse(&clean).unwrap())
        .unwrap()
        .drop_collection()
        .unwrap();
}
