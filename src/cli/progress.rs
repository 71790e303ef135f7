//! The progress bar shown on stderr while a large heap snapshot loads.

use std::cell::RefCell;
use std::io::IsTerminal;
use std::path::Path;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::heap::LoadProgress;

/// Files at most this large load too quickly for a bar to be worth drawing.
const MIN_BYTES: u64 = 32 << 20;

/// A [`LoadProgress`] that draws a bar on stderr for files over 32 MiB when stderr is a
/// terminal, and nothing otherwise.
#[derive(Default)]
pub struct SnapshotProgress {
    bar: RefCell<Option<ProgressBar>>,
}

impl LoadProgress for SnapshotProgress {
    fn start(&self, path: &Path, total_bytes: u64) {
        if !std::io::stderr().is_terminal() || total_bytes <= MIN_BYTES {
            return;
        }
        let pb = ProgressBar::with_draw_target(Some(total_bytes), ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template(
            "{msg} [{bar:30}] {bytes}/{total_bytes} ({bytes_per_sec}, {eta})",
        ) {
            pb.set_style(style.progress_chars("=> "));
        }
        pb.set_message(format!(
            "parsing {}",
            path.file_name()
                .map(|s| s.to_string_lossy())
                .unwrap_or_default()
        ));
        *self.bar.borrow_mut() = Some(pb);
    }

    fn read(&self, bytes: u64) {
        if let Some(pb) = &*self.bar.borrow() {
            pb.set_position(bytes);
        }
    }

    fn finish(&self) {
        if let Some(pb) = self.bar.borrow_mut().take() {
            pb.finish_and_clear();
        }
    }
}
