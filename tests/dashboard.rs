//! The Grafana dashboard `dashboards/antom-sidecar.json` against the metrics the real
//! sidecar exports (issue: "validate its JSON in CI, and check that every expression names
//! a metric the sidecar actually exports"). It proves that the file is JSON; that panel ids
//! are unique; that every target has a refId and an expression; that every expression, and
//! every template variable's query, parses as PromQL and selects at least one metric, each
//! one that `antom-sidecar dev` lists on `/metrics`; and that `histogram_quantile` reads a
//! histogram's `_bucket` series.
//!
//! `check::problems` does the checking. One test (`live`, with the `emulator` feature, as
//! it scrapes `dev`) feeds it the committed dashboard and a live scrape; each of the others
//! a small dashboard with one mistake, which it must name.

#[cfg(feature = "emulator")]
mod common;

use check::problems;
use serde_json::{Value, json};

/// What the small dashboards below select from, as the sidecar writes it (text format).
const EXPOSITION: &str = "\
# TYPE antom_retries_total counter
# TYPE antom_request_duration_seconds histogram
# TYPE sidecar_build_info gauge
";

/// A dashboard of one panel with `targets`.
fn with_targets(targets: Value) -> String {
    json!({"panels": [{"id": 1, "title": "P", "targets": targets}]}).to_string()
}

fn with_expr(expr: &str) -> String {
    with_targets(json!([{"refId": "A", "expr": expr}]))
}

/// A dashboard whose only variable has `query`.
fn with_variable(query: &str) -> String {
    json!({"templating": {"list": [{"name": "job", "type": "query", "query": query}]}}).to_string()
}

/// Asserts that `dashboard` has exactly one problem, which mentions `expected`.
fn assert_one_problem(dashboard: &str, expected: &str) {
    let problems = problems(dashboard, EXPOSITION);
    assert!(
        problems.len() == 1 && problems[0].contains(expected),
        "expected one problem about {expected:?}, got {problems:#?}"
    );
}

#[test]
fn histograms_and_counters_export_their_sample_names() {
    for expr in [
        "antom_request_duration_seconds_sum / antom_request_duration_seconds_count",
        "histogram_quantile(0.9, rate(antom_request_duration_seconds_bucket[${__rate_interval}]))",
        "sum(increase(antom_retries_total[$__range]))",
    ] {
        assert_eq!(problems(&with_expr(expr), EXPOSITION), Vec::<String>::new());
    }
    // OpenMetrics (prometheus-client's own format) types a counter without its _total.
    let open_metrics = EXPOSITION.replace("antom_retries_total", "antom_retries");
    let dashboard = with_expr("sum(rate(antom_retries_total[$__rate_interval]))");
    assert_eq!(problems(&dashboard, &open_metrics), Vec::<String>::new());
}

#[test]
fn a_file_that_is_not_json_is_a_problem() {
    assert_one_problem(&with_expr("up")[1..], "not JSON");
}

#[test]
fn a_duplicate_panel_id_is_a_problem() {
    let dashboard = json!({"panels": [
        {"id": 1, "title": "P"},
        // Grafana keeps the panels of a collapsed row in the row.
        {"id": 2, "type": "row", "panels": [{"id": 1, "title": "Q"}]},
    ]});
    assert_one_problem(&dashboard.to_string(), "duplicate id");
}

#[test]
fn a_target_without_ref_id_or_expr_is_a_problem() {
    let no_ref_id = with_targets(json!([{"expr": "sidecar_build_info"}]));
    assert_one_problem(&no_ref_id, "no refId");
    assert_one_problem(&with_expr(" "), "no expr");
}

#[test]
fn an_expr_that_does_not_parse_is_a_problem() {
    let unclosed = with_expr("sum(rate(antom_retries_total[5m])");
    assert_one_problem(&unclosed, "does not parse");
    // A dashboard variable where PromQL wants a duration.
    assert_one_problem(
        &with_expr("rate(antom_retries_total[$job])"),
        "does not parse",
    );
    let variable = with_variable("label_values(sidecar_build_info{, job)");
    assert_one_problem(&variable, "does not parse");
}

#[test]
fn an_expr_or_variable_without_a_metric_is_a_problem() {
    assert_one_problem(&with_expr("vector(1)"), "selects no metric");
    assert_one_problem(
        &with_variable("label_values(job)"),
        "not label_values(metric, label)",
    );
}

#[test]
fn a_metric_the_sidecar_does_not_export_is_a_problem() {
    for name in [
        "antom_request_total",
        // A counter is selected by its _total, a histogram by _bucket, _sum or _count.
        "antom_retries",
        "antom_request_duration_seconds",
    ] {
        let expr = format!("sum(rate({name}[$__rate_interval]))");
        assert_one_problem(&with_expr(&expr), &format!("{name} is not exported"));
    }
    assert_one_problem(
        &with_variable("label_values(antom_build_info, job)"),
        "antom_build_info is not exported",
    );
}

#[test]
fn a_quantile_not_over_a_histograms_buckets_is_a_problem() {
    let expr = "histogram_quantile(0.99, sum by (le) (rate(antom_retries_total[5m])))";
    assert_one_problem(&with_expr(expr), "over antom_retries_total, not a _bucket");
}

/// `problems`: what keeps a Grafana dashboard from showing the metrics of a target, given the target's exposition.
mod check {
    use std::collections::BTreeSet;

    use promql_parser::{
        parser::{self, Expr},
        util::{ExprVisitor, walk_expr},
    };
    use serde_json::Value;

    /// Grafana's built-in variables, as values that parse where Grafana puts them. Longest
    /// first, so that `$__range_s` is not read as `$__range` and `_s`.
    const BUILTINS: &[(&str, &str)] = &[
        ("__rate_interval", "5m"),
        ("__interval_ms", "60000"),
        ("__interval", "1m"),
        ("__range_ms", "10800000"),
        ("__range_s", "10800"),
        ("__range", "3h"),
    ];

    /// Every problem of `dashboard` (Grafana's JSON) against a target that exports
    /// `exposition`; empty if there is none.
    pub fn problems(dashboard: &str, exposition: &str) -> Vec<String> {
        let dashboard: Value = match serde_json::from_str(dashboard) {
            Ok(dashboard) => dashboard,
            Err(error) => return vec![format!("the dashboard is not JSON: {error}")],
        };
        let mut check = Check {
            exported: exported(exposition),
            problems: Vec::new(),
        };
        let mut ids = BTreeSet::new();
        for panel in panels(&dashboard["panels"]) {
            let name = format!("panel {} {}", panel["id"], panel["title"]);
            if !panel["id"].as_u64().is_some_and(|id| ids.insert(id)) {
                check.problem(&name, "no numeric id, or a duplicate id");
            }
            for (index, target) in items(&panel["targets"]).enumerate() {
                let what = format!("{name}, target {index}");
                if non_empty(&target["refId"]).is_none() {
                    check.problem(&what, "no refId");
                }
                match non_empty(&target["expr"]) {
                    Some(expr) => check.expr(&what, expr),
                    None => check.problem(&what, "no expr"),
                }
            }
        }
        let variables = items(&dashboard["templating"]["list"]);
        for variable in variables.filter(|variable| variable["type"] == "query") {
            let what = format!("variable {}", variable["name"]);
            // Grafana 10 writes the query as an object, older versions as a string.
            let query = non_empty(&variable["query"]).or(non_empty(&variable["query"]["query"]));
            match query.and_then(variable_promql) {
                Some(promql) => check.expr(&what, promql),
                None => check.problem(
                    &what,
                    "not label_values(metric, label) or query_result(expr)",
                ),
            }
        }
        check.problems
    }

    /// The names a target exports, and the problems found so far.
    struct Check {
        exported: BTreeSet<String>,
        problems: Vec<String>,
    }

    impl Check {
        fn problem(&mut self, what: &str, problem: &str) {
            self.problems.push(format!("{what}: {problem}"));
        }

        /// One expression: it parses once Grafana's built-in variables are put in, it selects
        /// metrics, all exported, and `histogram_quantile` reads a histogram's `_bucket`.
        fn expr(&mut self, what: &str, expr: &str) {
            let parsed = match parser::parse(&interpolate(expr)) {
                Ok(parsed) => parsed,
                Err(error) => {
                    return self.problem(what, &format!("{expr:?} does not parse: {error}"));
                }
            };
            let names = selected(&parsed);
            if names.is_empty() {
                self.problem(what, &format!("{expr:?} selects no metric"));
            }
            for name in names {
                match name {
                    Some(name) if self.exported.contains(&name) => {}
                    Some(name) => self.problem(what, &format!("{name} is not exported")),
                    None => self.problem(what, &format!("a selector names no metric in {expr:?}")),
                }
            }
            // Only a histogram exports a `_bucket`; an unexported name is reported already.
            walk(&parsed, |node| {
                if let Expr::Call(call) = node
                    && call.func.name == "histogram_quantile"
                    && let Some(buckets) = call.args.args.get(1)
                {
                    for name in selected(buckets).into_iter().flatten() {
                        if self.exported.contains(&name) && !name.ends_with("_bucket") {
                            let problem = format!("histogram_quantile over {name}, not a _bucket");
                            self.problem(what, &problem);
                        }
                    }
                }
            });
        }
    }

    /// The metric each selector of `expr` names, if it names one as `foo{...}`.
    fn selected(expr: &Expr) -> Vec<Option<String>> {
        let mut names = Vec::new();
        walk(expr, |node| match node {
            Expr::VectorSelector(selector) => names.push(selector.name.clone()),
            Expr::MatrixSelector(matrix) => names.push(matrix.vs.name.clone()),
            _ => {}
        });
        names
    }

    /// Calls `visit` on every node of `expr`, depth first.
    fn walk(expr: &Expr, visit: impl FnMut(&Expr)) {
        struct Visitor<F>(F);
        impl<F: FnMut(&Expr)> ExprVisitor for Visitor<F> {
            type Error = std::convert::Infallible;
            fn pre_visit(&mut self, node: &Expr) -> Result<bool, Self::Error> {
                (self.0)(node);
                Ok(true)
            }
        }
        let Ok(_) = walk_expr(&mut Visitor(visit), expr);
    }

    /// `expr` with Grafana's built-in variables put in. The dashboard's own (`$job`) stay:
    /// inside a matcher's string, they parse.
    fn interpolate(expr: &str) -> String {
        let mut expr = expr.to_owned();
        for (name, value) in BUILTINS {
            expr = expr.replace(&format!("${{{name}}}"), value);
            expr = expr.replace(&format!("${name}"), value);
        }
        expr
    }

    /// The PromQL in a Prometheus query variable: `label_values(selector, label)` or
    /// `query_result(expr)`.
    fn variable_promql(query: &str) -> Option<&str> {
        let query = query.trim();
        if let Some(arguments) = query.strip_prefix("label_values(") {
            return Some(arguments.strip_suffix(')')?.rsplit_once(',')?.0);
        }
        query.strip_prefix("query_result(")?.strip_suffix(')')
    }

    /// Every panel, those inside collapsed rows included.
    fn panels(panels: &Value) -> Vec<&Value> {
        let mut all = Vec::new();
        for panel in items(panels) {
            all.push(panel);
            all.extend(self::panels(&panel["panels"]));
        }
        all
    }

    /// The elements of a JSON array; none if it is not one.
    fn items(array: &Value) -> impl Iterator<Item = &Value> {
        array.as_array().into_iter().flatten()
    }

    fn non_empty(value: &Value) -> Option<&str> {
        value.as_str().filter(|s| !s.trim().is_empty())
    }

    /// The names a query can select from `exposition`, by its `# TYPE` lines: `x_bucket`,
    /// `x_sum` and `x_count` for a histogram `x`; `x_total` for a counter, whether typed `x`
    /// (OpenMetrics) or `x_total` (text format 0.0.4); otherwise the family's name.
    fn exported(exposition: &str) -> BTreeSet<String> {
        let mut exported = BTreeSet::new();
        let families = exposition
            .lines()
            .filter_map(|line| line.strip_prefix("# TYPE "));
        for (family, kind) in families.filter_map(|family| family.trim().split_once(' ')) {
            let (family, suffixes): (_, &[&str]) = match kind {
                "histogram" => (family, &["_bucket", "_sum", "_count"]),
                "counter" => (family.strip_suffix("_total").unwrap_or(family), &["_total"]),
                _ => (family, &[""]),
            };
            for suffix in suffixes {
                exported.insert(format!("{family}{suffix}"));
            }
        }
        exported
    }
}

/// The committed dashboard against a live `dev` sidecar (the `emulator` feature).
#[cfg(feature = "emulator")]
mod live {
    use std::process::Stdio;

    use super::{common::*, *};

    #[tokio::test]
    async fn the_dashboard_selects_only_metrics_the_sidecar_exports() {
        let mut child = sidecar(&["dev", "--listen", "127.0.0.1:0"], &[])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("dev");
        let stdout = child.stdout.take().expect("stdout");
        let _running = Running(Some(child));
        let banner = wait_for_line(stdout, "gRPC on");
        // Every family is listed from the start: the known series start at zero.
        let (status, _, exposition) =
            http_get(&address_after(&banner, "admin on "), "/metrics", None).await;
        assert_eq!(status, 200, "{exposition}");

        let dashboard = include_str!("../dashboards/antom-sidecar.json");
        let problems = problems(dashboard, &exposition);
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }
}
