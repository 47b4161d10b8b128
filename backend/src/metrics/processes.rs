//! CPU time and resident memory of process trees, read with `sysinfo`: the Prometheus scrape
//! and the metrics sampler both read the running servers' trees through one reader.

use std::collections::HashMap;
use std::sync::Mutex;

use sysinfo::{Pid, ProcessRefreshKind, ProcessesToUpdate, System};

/// Process figures need a kept `System`: it remembers the processes between scrapes.
#[derive(Default)]
pub struct ProcessReader(Mutex<Option<System>>);

impl ProcessReader {
    /// CPU seconds and RSS summed over each root and all its descendants.
    pub fn trees(&self, roots: &[u32]) -> HashMap<u32, (f64, u64)> {
        let mut guard = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if guard.is_none() {
            match System::new() {
                Ok(sys) => *guard = Some(sys),
                Err(e) => {
                    tracing::warn!(error = %e, "process figures are not available");
                    return HashMap::new();
                }
            }
        }
        let Some(sys) = guard.as_mut() else {
            return HashMap::new();
        };
        sys.refresh_processes_specifics(
            ProcessesToUpdate::All,
            true,
            ProcessRefreshKind::nothing().with_cpu().with_memory(),
        );
        let mut children: HashMap<Pid, Vec<Pid>> = HashMap::new();
        for (pid, process) in sys.processes() {
            if let Some(parent) = process.parent() {
                children.entry(parent).or_default().push(*pid);
            }
        }
        let mut out = HashMap::new();
        for root in roots {
            let mut stack = vec![Pid::from_u32(*root)];
            let (mut cpu_ms, mut rss) = (0u64, 0u64);
            let mut found = false;
            while let Some(pid) = stack.pop() {
                if let Some(p) = sys.process(pid) {
                    found = true;
                    cpu_ms += p.accumulated_cpu_time();
                    rss += p.memory();
                }
                stack.extend(children.get(&pid).into_iter().flatten());
            }
            if found {
                out.insert(*root, (cpu_ms as f64 / 1000.0, rss));
            }
        }
        out
    }
}
