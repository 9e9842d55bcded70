//! The two exposition formats of `/metrics`: OpenMetrics 1.0 for scrapers that ask for
//! it (Prometheus does, first), and the Prometheus text format 0.0.4 for everything else
//! (curl, older scrapers, most parsers), chosen by the `Accept` header.

use prometheus_client::{encoding::text, registry::Registry};

/// An exposition format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// `application/openmetrics-text; version=1.0.0`.
    OpenMetrics,
    /// `text/plain; version=0.0.4`.
    Text,
}

impl Format {
    /// The format an `Accept` header asks for: OpenMetrics only when named.
    pub fn from_accept(accept: Option<&str>) -> Self {
        match accept {
            Some(a) if a.contains("application/openmetrics-text") => Self::OpenMetrics,
            _ => Self::Text,
        }
    }

    /// The response's `Content-Type`.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::OpenMetrics => "application/openmetrics-text; version=1.0.0; charset=utf-8",
            Self::Text => "text/plain; version=0.0.4; charset=utf-8",
        }
    }
}

pub(super) fn encode(registry: &Registry, format: Format) -> String {
    let mut out = String::with_capacity(8 * 1024);
    // Writing into a String cannot fail.
    let _ = text::encode(&mut out, registry);
    match format {
        Format::OpenMetrics => out,
        Format::Text => to_text(&out),
    }
}

/// OpenMetrics → text 0.0.4, for the output of `prometheus-client`: a counter family
/// `x` is typed as its sample name `x_total`, and `# UNIT` and `# EOF` go.
fn to_text(openmetrics: &str) -> String {
    let mut out = String::with_capacity(openmetrics.len());
    let mut counters = Vec::new();
    for line in openmetrics.lines() {
        if let Some(rest) = line.strip_prefix("# TYPE ")
            && let Some(name) = rest.strip_suffix(" counter")
        {
            counters.push(name);
        }
    }
    for line in openmetrics.lines() {
        if line == "# EOF" || line.starts_with("# UNIT ") {
            continue;
        }
        let meta = ["# HELP ", "# TYPE "]
            .into_iter()
            .find_map(|p| line.strip_prefix(p).map(|rest| (p, rest)));
        match meta {
            Some((prefix, rest)) => {
                let (name, tail) = rest.split_once(' ').unwrap_or((rest, ""));
                out.push_str(prefix);
                out.push_str(name);
                if counters.contains(&name) {
                    out.push_str("_total");
                }
                out.push(' ');
                out.push_str(tail);
            }
            None => out.push_str(line),
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_format_types_counters_by_their_sample_name() {
        let om = "# HELP a_requests Requests.\n# TYPE a_requests counter\n\
                  a_requests_total{x=\"1\"} 2\n# HELP g A gauge.\n# TYPE g gauge\ng 3\n# EOF\n";
        assert_eq!(
            to_text(om),
            "# HELP a_requests_total Requests.\n# TYPE a_requests_total counter\n\
             a_requests_total{x=\"1\"} 2\n# HELP g A gauge.\n# TYPE g gauge\ng 3\n"
        );
    }

    #[test]
    fn openmetrics_only_when_asked() {
        let prometheus =
            "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5";
        assert_eq!(Format::from_accept(Some(prometheus)), Format::OpenMetrics);
        assert_eq!(Format::from_accept(Some("*/*")), Format::Text);
        assert_eq!(Format::from_accept(None), Format::Text);
    }
}
