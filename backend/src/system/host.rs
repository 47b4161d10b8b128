//! Host figures. CPU usage is a difference between two readings, so one `System` is kept and
//! refreshed on each request; the first request takes two readings a moment apart.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::Serialize;
use sysinfo::{Disks, System};
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct LoadAverage {
    pub one: f64,
    pub five: f64,
    pub fifteen: f64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DiskUsage {
    pub path: String,
    pub total_bytes: u64,
    pub available_bytes: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HostInfo {
    pub hostname: String,
    pub os: String,
    pub kernel: String,
    pub cpu_count: usize,
    pub cpu_brand: String,
    pub cpu_usage_percent: f32,
    pub load_average: LoadAverage,
    pub memory_total_bytes: u64,
    pub memory_used_bytes: u64,
    pub swap_total_bytes: u64,
    pub swap_used_bytes: u64,
    pub uptime_seconds: u64,
    pub data_dir: DiskUsage,
}

#[derive(Default)]
pub struct HostReader {
    system: Mutex<Option<System>>,
}

impl HostReader {
    pub fn read(&self, data_dir: &Path) -> HostInfo {
        let mut guard = self.system.lock().unwrap_or_else(|e| e.into_inner());
        if guard.is_none() {
            if let Ok(mut first) = System::new() {
                first.refresh_cpu_usage();
                std::thread::sleep(sysinfo::MINIMUM_CPU_UPDATE_INTERVAL);
                *guard = Some(first);
            }
        }
        let Some(system) = guard.as_mut() else {
            return HostInfo::unreadable(data_dir);
        };
        system.refresh_cpu_usage();
        system.refresh_memory();
        let load = System::load_average().unwrap_or_default();
        HostInfo {
            hostname: System::host_name().unwrap_or_default(),
            os: System::long_os_version().unwrap_or_default(),
            kernel: System::kernel_version().unwrap_or_default(),
            cpu_count: system.cpus().len(),
            cpu_brand: system
                .cpus()
                .first()
                .map(|c| c.brand().trim().to_owned())
                .unwrap_or_default(),
            cpu_usage_percent: system.global_cpu_usage(),
            load_average: LoadAverage {
                one: load.one,
                five: load.five,
                fifteen: load.fifteen,
            },
            memory_total_bytes: system.total_memory(),
            memory_used_bytes: system.used_memory(),
            swap_total_bytes: system.total_swap(),
            swap_used_bytes: system.used_swap(),
            uptime_seconds: System::uptime().unwrap_or_default(),
            data_dir: disk_of(data_dir),
        }
    }
}

impl HostInfo {
    /// What can still be said when the host's figures cannot be read at all.
    fn unreadable(data_dir: &Path) -> HostInfo {
        HostInfo {
            hostname: System::host_name().unwrap_or_default(),
            os: System::long_os_version().unwrap_or_default(),
            kernel: System::kernel_version().unwrap_or_default(),
            cpu_count: 0,
            cpu_brand: String::new(),
            cpu_usage_percent: 0.0,
            load_average: LoadAverage {
                one: 0.0,
                five: 0.0,
                fifteen: 0.0,
            },
            memory_total_bytes: 0,
            memory_used_bytes: 0,
            swap_total_bytes: 0,
            swap_used_bytes: 0,
            uptime_seconds: 0,
            data_dir: disk_of(data_dir),
        }
    }
}

/// The disk whose mount point is the longest prefix of the data dir.
fn disk_of(data_dir: &Path) -> DiskUsage {
    let path: PathBuf = data_dir.canonicalize().unwrap_or_else(|_| data_dir.to_path_buf());
    let disks = Disks::new_with_refreshed_list().ok();
    let best = disks.as_ref().and_then(|disks| {
        disks
            .iter()
            .filter(|d| path.starts_with(d.mount_point()))
            .max_by_key(|d| d.mount_point().as_os_str().len())
    });
    DiskUsage {
        path: path.display().to_string(),
        total_bytes: best.map_or(0, |d| d.total_space()),
        available_bytes: best.map_or(0, |d| d.available_space()),
    }
}
