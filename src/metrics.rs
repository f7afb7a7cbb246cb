//! Prometheus metrics at `/metrics`: GraphQL requests by operation and outcome, their
//! latency, refusals by limit, the database pool's connections, and the SQL statements
//! run (the README lists them; a test holds the two together). Kept by hand in a few
//! maps: the set is small and fixed, and a metrics framework would be more code to
//! configure than this.
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Upper bounds of the latency histogram's buckets, in seconds.
const BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];
/// Operation names are chosen by clients; past this many, new ones count as `other`.
const MAX_OPERATIONS: usize = 200;

#[derive(Default)]
struct State {
    requests: BTreeMap<(String, String), u64>,
    latency: BTreeMap<String, ([u64; BUCKETS.len()], u64, f64)>,
    refusals: BTreeMap<String, u64>,
}

#[derive(Clone, Default)]
pub struct Metrics(Arc<Mutex<State>>);

impl Metrics {
    /// Counts a GraphQL request: its operation name (`anonymous` without one, `other`
    /// past the first 200 names or for an empty one or one over 64 bytes), its outcome
    /// (`ok`, or the first error's code) and how long it took.
    pub fn request(&self, operation: Option<&str>, outcome: &str, elapsed: Duration) {
        let mut state = self.0.lock().expect("metrics lock");
        let known = state.latency.len() < MAX_OPERATIONS;
        let operation = match operation {
            Some(name)
                if !name.is_empty()
                    && name.len() <= 64
                    && (known || state.latency.contains_key(name)) =>
            {
                name.to_owned()
            }
            Some(_) => "other".to_owned(),
            None => "anonymous".to_owned(),
        };
        *state
            .requests
            .entry((operation.clone(), outcome.to_owned()))
            .or_default() += 1;
        let seconds = elapsed.as_secs_f64();
        let entry = state
            .latency
            .entry(operation)
            .or_insert(([0; BUCKETS.len()], 0, 0.0));
        for (i, bound) in BUCKETS.iter().enumerate() {
            if seconds <= *bound {
                entry.0[i] += 1;
            }
        }
        entry.1 += 1;
        entry.2 += seconds;
    }

    /// Counts a request refused by a limit: `rate` from the rate limiter, `auth` from the
    /// budget for checking tokens, otherwise the refusal's code in lower case
    /// (`limit_exceeded`, `payload_too_large`, `timeout`, `unsupported_media_type`,
    /// `method_not_allowed`, `not_acceptable`, `bad_request`).
    pub fn refusal(&self, limit: &str) {
        *self
            .0
            .lock()
            .expect("metrics lock")
            .refusals
            .entry(limit.to_owned())
            .or_default() += 1;
    }

    /// The Prometheus text exposition, with the pool's current state.
    pub fn render(&self, pool: (u32, usize), statements: (u64, u64)) -> String {
        let (statements, transaction_statements) = statements;
        let state = self.0.lock().expect("metrics lock");
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# HELP concord_requests_total GraphQL requests by operation and outcome."
        );
        let _ = writeln!(out, "# TYPE concord_requests_total counter");
        for ((operation, outcome), n) in &state.requests {
            let _ = writeln!(
                out,
                "concord_requests_total{{operation=\"{}\",outcome=\"{}\"}} {n}",
                escape(operation),
                escape(outcome)
            );
        }
        let _ = writeln!(
            out,
            "# HELP concord_request_duration_seconds GraphQL request latency by operation."
        );
        let _ = writeln!(out, "# TYPE concord_request_duration_seconds histogram");
        for (operation, (buckets, count, sum)) in &state.latency {
            let op = escape(operation);
            for (bound, n) in BUCKETS.iter().zip(buckets) {
                let _ = writeln!(
                    out,
                    "concord_request_duration_seconds_bucket{{operation=\"{op}\",le=\"{bound}\"}} {n}"
                );
            }
            let _ = writeln!(
                out,
                "concord_request_duration_seconds_bucket{{operation=\"{op}\",le=\"+Inf\"}} {count}"
            );
            let _ = writeln!(
                out,
                "concord_request_duration_seconds_sum{{operation=\"{op}\"}} {sum}"
            );
            let _ = writeln!(
                out,
                "concord_request_duration_seconds_count{{operation=\"{op}\"}} {count}"
            );
        }
        let _ = writeln!(
            out,
            "# HELP concord_refusals_total Requests refused by a limit."
        );
        let _ = writeln!(out, "# TYPE concord_refusals_total counter");
        for (limit, n) in &state.refusals {
            let _ = writeln!(
                out,
                "concord_refusals_total{{limit=\"{}\"}} {n}",
                escape(limit)
            );
        }
        let (size, idle) = pool;
        let _ = writeln!(
            out,
            "# HELP concord_db_connections Database pool connections by state."
        );
        let _ = writeln!(out, "# TYPE concord_db_connections gauge");
        let _ = writeln!(out, "concord_db_connections{{state=\"idle\"}} {idle}");
        let _ = writeln!(
            out,
            "concord_db_connections{{state=\"in_use\"}} {}",
            (size as usize).saturating_sub(idle)
        );
        let _ = writeln!(
            out,
            "# HELP concord_sql_statements_total SQL statements run since the server started."
        );
        let _ = writeln!(out, "# TYPE concord_sql_statements_total counter");
        let _ = writeln!(out, "concord_sql_statements_total {statements}");
        let _ = writeln!(
            out,
            "# HELP concord_sql_transaction_statements_total BEGIN, COMMIT and ROLLBACK sent since the server started."
        );
        let _ = writeln!(
            out,
            "# TYPE concord_sql_transaction_statements_total counter"
        );
        let _ = writeln!(
            out,
            "concord_sql_transaction_statements_total {transaction_statements}"
        );
        out
    }
}

fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_histograms_and_gauges() {
        let m = Metrics::default();
        m.request(Some("Home"), "ok", Duration::from_millis(20));
        m.request(
            Some("Home"),
            api::code::BAD_USER_INPUT,
            Duration::from_millis(2),
        );
        m.refusal("rate");
        let text = m.render((4, 3), (17, 2));
        assert!(text.contains(r#"concord_requests_total{operation="Home",outcome="ok"} 1"#));
        assert!(
            text.contains(
                r#"concord_request_duration_seconds_bucket{operation="Home",le="0.025"} 2"#
            )
        );
        assert!(
            text.contains(
                r#"concord_request_duration_seconds_bucket{operation="Home",le="0.01"} 1"#
            )
        );
        assert!(text.contains(r#"concord_refusals_total{limit="rate"} 1"#));
        assert!(text.contains(r#"concord_db_connections{state="in_use"} 1"#));
        assert!(text.contains("concord_sql_statements_total 17"));
    }

    /// The README's list of metrics and their labels is what `/metrics` serves.
    #[test]
    fn the_readme_lists_what_is_served() {
        let m = Metrics::default();
        m.request(Some("Home"), "ok", Duration::from_millis(20));
        m.refusal("rate");
        let text = m.render((4, 3), (17, 2));
        // Each metric served, with its label names (a histogram's `le` aside).
        let mut served = std::collections::BTreeMap::<String, Vec<String>>::new();
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let series = line.split(' ').next().unwrap();
            let (name, labels) = series.split_once('{').unwrap_or((series, ""));
            let name = ["_bucket", "_sum", "_count"]
                .iter()
                .find_map(|s| name.strip_suffix(s))
                .filter(|n| n.ends_with("_seconds"))
                .unwrap_or(name);
            let labels: Vec<String> = labels
                .trim_end_matches('}')
                .split(',')
                .filter_map(|l| l.split_once('=').map(|(k, _)| k.to_owned()))
                .filter(|k| k != "le")
                .collect();
            served.insert(name.to_owned(), labels);
        }
        let readme = include_str!("../README.md");
        let section = &readme[readme.find("`GET /metrics`").unwrap()..];
        let section = &section[..section.find("\n\n").unwrap()];
        let mut listed = std::collections::BTreeMap::<String, Vec<String>>::new();
        for item in section.split('`').skip(1).step_by(2) {
            if let Some(metric) = item.strip_prefix("concord_") {
                let (name, labels) = metric.split_once('{').unwrap_or((metric, ""));
                let labels = labels
                    .trim_end_matches('}')
                    .split(',')
                    .filter(|l| !l.is_empty());
                listed.insert(
                    format!("concord_{name}"),
                    labels.map(str::to_owned).collect(),
                );
            }
        }
        assert_eq!(listed, served, "README's metrics against /metrics:\n{text}");
    }
}
