//! The hub's answers as `models pull` reads them, with no network: the revision API's JSON
//! listing (checked names, counts, commit hash) and a HEAD answer's headers (ETag, sizes).
//! The first input byte splits the rest into the listing and a header block.
#![no_main]
use libfuzzer_sys::fuzz_target;
use wordlens::hub::ModelName;
use wordlens::hub::pull::{check_listing, read_head};

fuzz_target!(|data: &[u8]| {
    let Some((&cut, rest)) = data.split_first() else {
        return;
    };
    let cut = (cut as usize * rest.len() / 255).min(rest.len());
    let (listing, headers) = rest.split_at(cut);
    let name = ModelName::parse("org/name").unwrap();
    if let Ok((_, files)) = check_listing(listing, "http://127.0.0.1/api", &name) {
        for (file, rel) in files {
            let plain = rel
                .components()
                .all(|c| matches!(c, std::path::Component::Normal(_)));
            assert!(plain, "{file}");
        }
    }
    let text = String::from_utf8_lossy(headers);
    let lines: Vec<(String, String)> = text
        .lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let header = |h: &str| {
        let h = h.to_ascii_lowercase();
        lines.iter().find(|(k, _)| *k == h).map(|(_, v)| v.clone())
    };
    for status in [200, 302] {
        if let Ok((etag, _)) = read_head("http://127.0.0.1/f", status, &header) {
            assert!(etag.is_none_or(|e| e.chars().all(|c| c.is_ascii_hexdigit())));
        }
    }
});
