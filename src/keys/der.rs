//! Just enough DER to tell key containers apart, so errors can say what a file holds
//! ("a private key", "a certificate") whatever crypto backend is compiled in.

/// What a DER blob looks like.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DerKind {
    /// PKCS#8 `PrivateKeyInfo`.
    PrivatePkcs8,
    /// PKCS#1 `RSAPrivateKey`.
    PrivatePkcs1,
    /// PKCS#8 `EncryptedPrivateKeyInfo`.
    EncryptedPrivate,
    /// X.509 `SubjectPublicKeyInfo`.
    PublicSpki,
    /// PKCS#1 `RSAPublicKey`.
    PublicPkcs1,
    /// An X.509 certificate.
    Certificate,
}

impl DerKind {
    /// Words for error messages.
    pub fn describe(self) -> &'static str {
        match self {
            Self::PrivatePkcs8 => "a private key (PKCS#8)",
            Self::PrivatePkcs1 => "a private key (PKCS#1)",
            Self::EncryptedPrivate => "a password-protected private key",
            Self::PublicSpki => "a public key (X.509 SubjectPublicKeyInfo)",
            Self::PublicPkcs1 => "a bare RSA public key (PKCS#1)",
            Self::Certificate => "a certificate",
        }
    }
}

const SEQUENCE: u8 = 0x30;
const INTEGER: u8 = 0x02;
const BIT_STRING: u8 = 0x03;
const OCTET_STRING: u8 = 0x04;
const OID: u8 = 0x06;
const CONTEXT_0: u8 = 0xa0;

/// One TLV: its tag, its contents, and what follows it.
fn tlv(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
        (len, &rest[n..])
    };
    (rest.len() >= len).then(|| (tag, &rest[..len], &rest[len..]))
}

/// Classifies `der` by the shape of its outer structure, or `None`.
pub fn classify(der: &[u8]) -> Option<DerKind> {
    let (SEQUENCE, body, []) = tlv(der)? else {
        return None;
    };
    let (tag1, v1, rest) = tlv(body)?;
    let (tag2, _, rest2) = tlv(rest)?;
    match (tag1, tag2) {
        (INTEGER, SEQUENCE) if v1 == [0] || v1 == [1] => Some(DerKind::PrivatePkcs8),
        (INTEGER, INTEGER) if v1 == [0] || v1 == [1] => Some(DerKind::PrivatePkcs1),
        (INTEGER, INTEGER) if rest2.is_empty() => Some(DerKind::PublicPkcs1),
        (SEQUENCE, BIT_STRING) | (SEQUENCE, OCTET_STRING) => {
            let (inner, _, _) = tlv(v1)?;
            match (inner, tag2) {
                (OID, BIT_STRING) => Some(DerKind::PublicSpki),
                (OID, OCTET_STRING) => Some(DerKind::EncryptedPrivate),
                _ => None,
            }
        }
        (SEQUENCE, SEQUENCE) => {
            let (inner, _, _) = tlv(v1)?;
            matches!(inner, CONTEXT_0 | INTEGER).then_some(DerKind::Certificate)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_truncated_and_trailing_data() {
        assert_eq!(classify(&[]), None);
        assert_eq!(classify(&[0x30, 0x05, 0x02]), None);
        assert_eq!(classify(&[0x30, 0x00, 0x00]), None);
        assert_eq!(classify(b"hello world"), None);
    }
}
