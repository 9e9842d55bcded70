//! Where the sidecar sends requests: Antom's regional domains or an explicit base URL,
//! and the (explicitly chosen) sandbox path, for each API.

use std::{fmt, net::IpAddr, str::FromStr};

use reqwest::Url;

use super::{Api, ApiSpec, SendPaymentResult};

/// Antom's regions, each with its own domain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Region {
    /// Asia: `open-sea-global.alipay.com`.
    Sea,
    /// North America: `open-na-global.alipay.com`.
    Na,
    /// US merchants: `open.antglobal-us.com`.
    Us,
    /// Europe: `open-de-global.alipay.com`.
    De,
}

impl Region {
    /// The region's API domain.
    pub fn domain(self) -> &'static str {
        match self {
            Self::Sea => "open-sea-global.alipay.com",
            Self::Na => "open-na-global.alipay.com",
            Self::Us => "open.antglobal-us.com",
            Self::De => "open-de-global.alipay.com",
        }
    }
}

impl FromStr for Region {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "sea" => Ok(Self::Sea),
            "na" => Ok(Self::Na),
            "us" => Ok(Self::Us),
            "de" => Ok(Self::De),
            other => Err(format!(
                "unknown region {other:?}: expected sea, na, us or de"
            )),
        }
    }
}

/// A validated endpoint: an origin, and whether the APIs are called on their sandbox
/// paths.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    origin: Url,
    sandbox: bool,
}

/// Why a base URL is refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum EndpointError {
    /// Not a URL.
    #[error("{0:?} is not a URL")]
    NotUrl(String),
    /// A path, query or credentials after the origin.
    #[error(
        "{0:?} must be an origin only (scheme://host[:port]): the API path is added and signed by the sidecar"
    )]
    NotOrigin(String),
    /// `http://` to a host that is not loopback, or another scheme.
    #[error("{0:?}: only https:// is allowed, except http:// to a loopback host (the emulator)")]
    Insecure(String),
}

impl Endpoint {
    /// The production endpoint of `region`.
    pub fn region(region: Region, sandbox: bool) -> Self {
        let origin = Url::parse(&format!("https://{}", region.domain()))
            .expect("region domains are valid URLs");
        Self { origin, sandbox }
    }

    /// An explicit base URL, e.g. `https://open-sea-global.alipay.com` or the emulator's
    /// `http://127.0.0.1:8080`.
    pub fn base_url(base: &str, sandbox: bool) -> Result<Self, EndpointError> {
        let url = Url::parse(base).map_err(|_| EndpointError::NotUrl(base.to_owned()))?;
        if url.path() != "/"
            || url.query().is_some()
            || url.fragment().is_some()
            || !url.username().is_empty()
            || url.password().is_some()
        {
            return Err(EndpointError::NotOrigin(base.to_owned()));
        }
        let loopback = url.host_str().is_some_and(|h| {
            h.eq_ignore_ascii_case("localhost")
                || h.trim_matches(['[', ']'])
                    .parse::<IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback())
        });
        match url.scheme() {
            "https" => {}
            "http" if loopback => {}
            _ => return Err(EndpointError::Insecure(base.to_owned())),
        }
        Ok(Self {
            origin: url,
            sandbox,
        })
    }

    /// The full URL to POST `api`'s requests to.
    pub fn url(&self, api: &ApiSpec) -> Url {
        let mut url = self.origin.clone();
        url.set_path(self.path(api));
        url
    }

    /// `api`'s path, as signed.
    pub fn path(&self, api: &ApiSpec) -> &'static str {
        match self.sandbox {
            true => api.sandbox_path,
            false => api.path,
        }
    }

    /// Whether the APIs are called on their sandbox paths.
    pub fn is_sandbox(&self) -> bool {
        self.sandbox
    }
}

/// The URL of `sendPaymentResult`, which shows the origin and the path chosen (in
/// `serve`'s start-up line and `check`'s report) as it did when that was the only API.
impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.url(&SendPaymentResult::SPEC).fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_map_to_documented_domains() {
        let payment = SendPaymentResult::SPEC;
        let e = Endpoint::region("SEA".parse().expect("region"), false);
        assert_eq!(
            e.url(&payment).as_str(),
            "https://open-sea-global.alipay.com/ams/api/v1/risk/payments/sendPaymentResult"
        );
        assert_eq!(e.to_string(), e.url(&payment).as_str());
        let e = Endpoint::region(Region::Us, true);
        assert_eq!(
            e.url(&payment).as_str(),
            "https://open.antglobal-us.com/ams/sandbox/api/v1/risk/payments/sendPaymentResult"
        );
        assert_eq!(e.path(&payment), crate::antom::SANDBOX_PAYMENT_RESULT_PATH);
        assert!("eu".parse::<Region>().is_err());
    }

    #[test]
    fn each_api_has_its_own_path_on_one_origin() {
        let e = Endpoint::base_url("http://127.0.0.1:8080", true).expect("endpoint");
        for api in crate::antom::APIS {
            assert_eq!(e.path(&api), api.sandbox_path);
            assert_eq!(
                e.url(&api).as_str(),
                format!("http://127.0.0.1:8080{}", api.sandbox_path)
            );
        }
    }

    #[test]
    fn http_only_to_loopback() {
        for ok in [
            "http://127.0.0.1:8080",
            "http://localhost:1",
            "http://[::1]:9/",
            "https://antom.example",
        ] {
            assert!(Endpoint::base_url(ok, false).is_ok(), "{ok}");
        }
        for bad in ["http://10.0.0.1", "http://antom.example", "ftp://127.0.0.1"] {
            assert!(
                matches!(
                    Endpoint::base_url(bad, false),
                    Err(EndpointError::Insecure(_))
                ),
                "{bad}"
            );
        }
        assert!(matches!(
            Endpoint::base_url("https://a.example/prefix", false),
            Err(EndpointError::NotOrigin(_))
        ));
        assert!(matches!(
            Endpoint::base_url("nonsense", false),
            Err(EndpointError::NotUrl(_))
        ));
    }
}
