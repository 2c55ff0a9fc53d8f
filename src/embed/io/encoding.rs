//! How the bytes of a word in a vectors file become a string. Files are UTF-8 unless told
//! otherwise (`--encoding`, `[vectors] encoding`); a byte that does not decode is written as
//! `\xNN` (Python's `backslashreplace`, what gensim does), so words that differ in their bytes
//! stay different words and nothing is silently merged.

use std::borrow::Cow;
use std::fmt::Write as _;

use crate::error::{Error, Result};

/// The character set words are decoded from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WordEncoding {
    /// UTF-8 (the default).
    #[default]
    Utf8,
    /// Any encoding of the WHATWG Encoding Standard (`encoding_rs` labels: `latin1`,
    /// `windows-1250`, `koi8-r`, `shift_jis`, ...).
    Whatwg(&'static encoding_rs::Encoding),
    /// A DOS (OEM) code page the web standard lacks: `cp852`, `cp437`, `cp850`, ...
    Oem(u16),
}

impl WordEncoding {
    /// The encoding a label names: `utf-8`, an `encoding_rs` label, or `cpNNN` / `ibmNNN`
    /// for a DOS code page.
    pub fn parse(label: &str) -> Result<Self> {
        let l = label.trim().to_ascii_lowercase();
        if matches!(l.as_str(), "utf-8" | "utf8" | "unicode-1-1-utf-8") {
            return Ok(Self::Utf8);
        }
        let page = ["cp", "ibm", "oem", "dos"]
            .iter()
            .find_map(|p| l.strip_prefix(p))
            .map(|n| n.trim_start_matches(['-', '_']))
            .and_then(|n| n.parse::<u16>().ok());
        if let Some(page) = page
            && oem_cp::code_table::DECODING_TABLE_CP_MAP.contains_key(&page)
        {
            return Ok(Self::Oem(page));
        }
        match encoding_rs::Encoding::for_label(l.as_bytes()) {
            Some(e) if e == encoding_rs::UTF_8 => Ok(Self::Utf8),
            Some(e) => Ok(Self::Whatwg(e)),
            None => Err(Error::Usage(format!(
                "unknown encoding {label:?}: use a WHATWG label (utf-8, latin1, windows-1250, \
                 iso-8859-2, koi8-r, shift_jis, ...) or a DOS code page (cp437, cp850, cp852, \
                 cp866, ...)"
            ))),
        }
    }

    /// The name messages use.
    pub fn name(self) -> String {
        match self {
            Self::Utf8 => "UTF-8".into(),
            Self::Whatwg(e) => e.name().into(),
            Self::Oem(page) => format!("cp{page}"),
        }
    }

    /// `raw` as text, and whether some byte did not decode (and was escaped as `\xNN`).
    pub fn decode(self, raw: &[u8]) -> (Cow<'_, str>, bool) {
        match self {
            Self::Utf8 => escape_invalid_utf8(raw),
            Self::Whatwg(e) => match e.decode_without_bom_handling_and_without_replacement(raw) {
                Some(s) => (s, false),
                None => (Cow::Owned(decode_whatwg_escaping(e, raw)), true),
            },
            Self::Oem(page) => {
                let table = oem_cp::code_table::DECODING_TABLE_CP_MAP.get(&page);
                let mut out = String::with_capacity(raw.len());
                let mut escaped = false;
                for &b in raw {
                    let c = if b < 0x80 {
                        Some(char::from(b))
                    } else {
                        table.and_then(|t| t.decode_char_checked(b))
                    };
                    match c {
                        Some(c) => out.push(c),
                        None => {
                            escaped = true;
                            push_escape(&mut out, b);
                        }
                    }
                }
                (Cow::Owned(out), escaped)
            }
        }
    }
}

fn push_escape(out: &mut String, b: u8) {
    // Writing to a String cannot fail.
    let _ = write!(out, "\\x{b:02x}");
}

/// UTF-8 with every byte of an invalid sequence written as `\xNN`, as Python's
/// `bytes.decode("utf-8", "backslashreplace")` does.
fn escape_invalid_utf8(raw: &[u8]) -> (Cow<'_, str>, bool) {
    let mut rest = raw;
    let mut out = match std::str::from_utf8(rest) {
        Ok(s) => return (Cow::Borrowed(s), false),
        Err(_) => String::with_capacity(raw.len() + 8),
    };
    loop {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                out.push_str(s);
                return (Cow::Owned(out), true);
            }
            Err(e) => {
                let (good, bad) = rest.split_at(e.valid_up_to());
                // The prefix was just checked to be UTF-8.
                out.push_str(std::str::from_utf8(good).unwrap_or_default());
                let n = e.error_len().unwrap_or(bad.len());
                bad[..n].iter().for_each(|&b| push_escape(&mut out, b));
                rest = &bad[n..];
            }
        }
    }
}

/// A WHATWG decode that writes each malformed byte as `\xNN` instead of U+FFFD.
fn decode_whatwg_escaping(e: &'static encoding_rs::Encoding, raw: &[u8]) -> String {
    let mut decoder = e.new_decoder_without_bom_handling();
    let mut out = String::with_capacity(raw.len() * 2 + 8);
    let mut buf = String::with_capacity(raw.len() * 3 + 16);
    let mut at = 0;
    loop {
        buf.clear();
        let (result, read) =
            decoder.decode_to_string_without_replacement(&raw[at..], &mut buf, true);
        out.push_str(&buf);
        at += read;
        match result {
            encoding_rs::DecoderResult::InputEmpty => return out,
            encoding_rs::DecoderResult::Malformed(len, after) => {
                // The malformed bytes end `after` bytes before where the decoder stopped (it
                // read that many past them; they are emitted with the next call).
                let end = at.saturating_sub(usize::from(after));
                let start = end.saturating_sub(usize::from(len));
                raw[start..end]
                    .iter()
                    .for_each(|&b| push_escape(&mut out, b));
            }
            encoding_rs::DecoderResult::OutputFull => {
                buf.reserve(raw.len());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_utf8_is_escaped_like_pythons_backslashreplace() {
        // b"kter\xfd".decode("utf-8", "backslashreplace") == "kter\\xfd"
        assert_eq!(
            WordEncoding::Utf8.decode(b"kter\xfd"),
            (Cow::Borrowed("kter\\xfd"), true)
        );
        // b"\xe2\x82a\xc3\xa9".decode(..., "backslashreplace") == "\\xe2\\x82aé"
        assert_eq!(
            WordEncoding::Utf8.decode(b"\xe2\x82a\xc3\xa9").0,
            "\\xe2\\x82a\u{e9}"
        );
        assert!(!WordEncoding::Utf8.decode(b"caf\xc3\xa9").1);
    }

    #[test]
    fn code_pages_decode_and_labels_resolve() {
        let cp852 = WordEncoding::parse("cp852").unwrap();
        // "který" in cp852: ý is 0xEC.
        assert_eq!(cp852.decode(b"kter\xec").0, "kter\u{fd}");
        assert_eq!(cp852.name(), "cp852");
        let latin1 = WordEncoding::parse("latin1").unwrap();
        assert_eq!(latin1.decode(b"caf\xe9").0, "caf\u{e9}");
        assert_eq!(WordEncoding::parse("UTF-8").unwrap(), WordEncoding::Utf8);
        assert!(WordEncoding::parse("klingon").is_err());
        // Shift_JIS with a lone lead byte: the byte is escaped, the rest decoded.
        let sjis = WordEncoding::parse("shift_jis").unwrap();
        let (s, escaped) = sjis.decode(b"a\x82");
        assert!(escaped);
        assert_eq!(s, "a\\x82");
    }
}
