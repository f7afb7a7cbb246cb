//! Prometheus metrics at `/metrics`: requests by operation and outcome, latency, the
//! database pool, and refusals by limit. Kept by hand in a few maps: the set is small
//! and fixed, and a metrics framework would be more code to configure than this.
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
    /// Counts a GraphQL request: its operation name, its outcome (`ok` or the first
    /// error's code) and how long it took.
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

    /// Counts a request refused by a limit (`rate`, `body_size`, `media_type`, ...).
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
    pub fn render(&self, pool: (u32, usize), statements: u64) -> String {
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
        let text = m.render((4, 3), 17);
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
}
