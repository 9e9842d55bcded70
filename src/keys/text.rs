//! Key text as people hand it around: PEM, or one line of bare Base64 (Antom's portal
//! and SDKs). Decoding and encoding both; decoded bytes are zeroized on drop.
//!
//! Not the `pem` crate (in the tree through `rcgen`): it copies the Base64 body into a
//! `String` and the DER into a `Vec` that it never zeroizes, and it has no bare-Base64
//! form. Here every intermediate copy of private key text is `Zeroizing`.

use base64::{Engine, engine::general_purpose::STANDARD as BASE64};
use zeroize::Zeroizing;

/// Decodes every PEM block of `text` (Antom's key during its rotation: the old and the
/// new), or its one line of bare Base64, into DER. `None` if any block is not key text,
/// or if anything but blank lines and `#` comments stands between the blocks (a bare
/// Base64 key appended to a PEM file would otherwise be skipped without a word).
pub fn decode_all(text: &str) -> Option<Vec<Zeroizing<Vec<u8>>>> {
    let mut rest = text.trim();
    // Text around the blocks (a comment naming the key) is ignored, as OpenSSL does.
    if !rest.contains("-----BEGIN ") {
        return decode(rest).map(|der| vec![der]);
    }
    let mut blocks = Vec::new();
    let only_comments = |between: &str| {
        (between.lines()).all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
    };
    while let Some(start) = rest.find("-----BEGIN ") {
        if !only_comments(&rest[..start]) {
            return None;
        }
        let block = &rest[start..];
        let label_end = block["-----BEGIN ".len()..].find("-----")? + "-----BEGIN ".len();
        let end = format!("-----END {}-----", &block["-----BEGIN ".len()..label_end]);
        let len = block.find(&end)? + end.len();
        blocks.push(decode(&block[..len])?);
        rest = &block[len..];
    }
    only_comments(rest).then_some(blocks)
}

/// Decodes PEM (the first block, whatever its label: the DER itself says what it is)
/// or bare Base64 into DER.
pub fn decode(text: &str) -> Option<Zeroizing<Vec<u8>>> {
    let text = text.trim();
    let body = match text.strip_prefix("-----BEGIN ") {
        Some(rest) => {
            let (label, rest) = rest.split_once("-----")?;
            let end = format!("-----END {label}-----");
            let body = &rest[..rest.find(&end)?];
            // RFC 1421 headers ("Proc-Type: ...") precede a blank line; skip them.
            let body = body.lines().filter(|l| !l.contains(':'));
            Zeroizing::new(body.collect::<String>())
        }
        None => Zeroizing::new(text.to_owned()),
    };
    let compact: Zeroizing<String> =
        Zeroizing::new(body.chars().filter(|c| !c.is_whitespace()).collect());
    if compact.is_empty() {
        return None;
    }
    let der = BASE64.decode(compact.as_bytes()).ok()?;
    Some(Zeroizing::new(der))
}

/// Encodes DER as PEM with 64-character lines.
pub fn encode_pem(label: &str, der: &[u8]) -> String {
    let b64 = BASE64.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pem_round_trips() {
        let der: Vec<u8> = (0..=255).collect();
        let pem = encode_pem("PUBLIC KEY", &der);
        assert!(pem.lines().all(|l| l.len() <= 64));
        assert_eq!(*decode(&pem).expect("decodes"), der);
    }

    #[test]
    fn bare_base64_with_whitespace_decodes() {
        assert_eq!(
            *decode("  AAEC\nAw==  \n").expect("decodes"),
            vec![0, 1, 2, 3]
        );
    }

    #[test]
    fn every_pem_block_decodes() {
        let (a, b): (Vec<u8>, Vec<u8>) = ((0..64).collect(), (64..200).collect());
        let two = format!(
            "# Antom's key and its successor\n{}\n{}",
            encode_pem("PUBLIC KEY", &a),
            encode_pem("PUBLIC KEY", &b)
        );
        let blocks = decode_all(&two).expect("decodes");
        assert_eq!(
            blocks.iter().map(|d| d.to_vec()).collect::<Vec<_>>(),
            [a, b]
        );
        assert!(decode_all(&format!("{two}-----BEGIN PUBLIC KEY-----\nAAAA\n")).is_none());
        // A bare Base64 key next to PEM blocks, or a mangled header: refused, not skipped.
        assert!(decode_all(&format!("{two}AAECAw==\n")).is_none());
        assert!(decode_all(&format!("----BEGIN PUBLIC KEY-----\nAAAA\n{two}")).is_none());
    }

    #[test]
    fn junk_is_refused() {
        assert!(decode("").is_none());
        assert!(decode("not base64 !!").is_none());
        assert!(decode("-----BEGIN X-----\nAAAA\n").is_none());
    }
}
