//! The one table `make bench` prints: each figure, what it is held against (a reference
//! measured in the same run, or the product's target), and whether it met it.

enum Verdict {
    Met,
    Missed,
    /// A figure shown for context, with nothing to meet.
    Info,
}

struct Row {
    figure: String,
    measured: String,
    against: String,
    verdict: Verdict,
}

#[derive(Default)]
pub struct Report {
    rows: Vec<Row>,
    /// Things that went wrong (not slowness): any makes the bench exit non-zero.
    pub failures: Vec<String>,
}

impl Report {
    pub fn held(&mut self, figure: &str, measured: String, against: String, met: bool) {
        let verdict = if met { Verdict::Met } else { Verdict::Missed };
        self.push(figure, measured, against, verdict);
    }

    pub fn info(&mut self, figure: &str, measured: String, against: String) {
        self.push(figure, measured, against, Verdict::Info);
    }

    fn push(&mut self, figure: &str, measured: String, against: String, verdict: Verdict) {
        self.rows.push(Row {
            figure: figure.to_owned(),
            measured,
            against,
            verdict,
        });
    }

    pub fn fail(&mut self, what: String) {
        self.failures.push(what);
    }

    pub fn print(&self) {
        let header = ["figure", "measured", "reference / target", ""];
        let width = |pick: fn(&Row) -> &str, title: &str| {
            self.rows
                .iter()
                .map(|r| pick(r).chars().count())
                .chain([title.chars().count()])
                .max()
                .unwrap_or(0)
        };
        let w0 = width(|r| &r.figure, header[0]);
        let w1 = width(|r| &r.measured, header[1]);
        let w2 = width(|r| &r.against, header[2]);
        println!(
            "{:<w0$}  {:<w1$}  {:<w2$}  {}",
            header[0], header[1], header[2], header[3]
        );
        println!("{}", "-".repeat(w0 + w1 + w2 + 14));
        for row in &self.rows {
            let verdict = match row.verdict {
                Verdict::Met => "met",
                Verdict::Missed => "MISSED",
                Verdict::Info => "",
            };
            println!(
                "{:<w0$}  {:<w1$}  {:<w2$}  {verdict}",
                row.figure, row.measured, row.against
            );
        }
        for failure in &self.failures {
            println!("FAILED: {failure}");
        }
    }
}

/// The value at fraction `p` of sorted samples (nearest rank).
pub fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize] as f64
}

/// `1234567.0` → `1.23 M`, `45678.0` → `45.7 k`: rates at a glance.
pub fn si(x: f64) -> String {
    if x >= 1e6 {
        format!("{:.2} M", x / 1e6)
    } else if x >= 1e3 {
        format!("{:.1} k", x / 1e3)
    } else {
        format!("{x:.0}")
    }
}

/// Megabytes (10^6 bytes, as the targets are written) from the KiB that /proc reports.
pub fn mb(kib: u64) -> f64 {
    kib as f64 * 1024.0 / 1e6
}
