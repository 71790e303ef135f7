//! A time budget for parsing one file. swc's TypeScript parser backtracks exponentially on some
//! inputs (a 100-byte file of nested `<a>(` parses for minutes, docs/known-issues.md), and a
//! parser cannot be interrupted from outside. So files are linted on a helper thread while the
//! caller watches the parse under way; past the budget the caller reports a `parse-timeout`
//! diagnostic for that file, hands the files not started yet to a new helper, and abandons the
//! old one: it finishes the parse in the background (its result is dropped) and then exits.
//!
//! Each calling thread keeps one helper for all its files and hands it a batch of files at a
//! time, so the cost of the budget is one thread switch per batch. (One switch per file, the
//! first design, cost about 6% of the CPU time of a run over many small files: 35,000 context
//! switches on the throughput corpus.)

use std::cell::RefCell;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crossbeam_channel::{bounded, unbounded, Receiver, RecvTimeoutError, Sender};

use crate::diagnostic::{ByteSpan, Diagnostic};
use crate::isolate::PARSE_TIMEOUT;

/// One file's lint, run on the helper: it calls its argument once the parse is over (the rest of
/// the lint is not limited) and returns the findings.
pub type Lint = Box<dyn FnOnce(&dyn Fn()) -> Vec<Diagnostic> + Send>;

/// What a batch's helper and its caller share.
struct Batch {
    /// Lints not started yet, in order, each with its index in the caller's list.
    pending: VecDeque<(usize, Lint)>,
    /// Findings of the lints that finished, with their index.
    done: Vec<(usize, Vec<Diagnostic>)>,
    /// The lint whose parse is under way, and when that parse started.
    parsing: Option<(usize, Instant)>,
    /// Set by the caller when it gave up on the parse under way: the helper then drops what it
    /// finishes and exits.
    abandoned: bool,
}

/// A batch handed to a helper, and where it says that it is through.
struct Job {
    batch: Arc<Mutex<Batch>>,
    finished: Sender<()>,
}

/// Locks a batch. A lint cannot panic while the lock is held (the helper only moves values
/// under it), so a poisoned lock still holds consistent data.
fn lock(batch: &Mutex<Batch>) -> MutexGuard<'_, Batch> {
    batch
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

thread_local! {
    /// This thread's helper, started on first use and replaced when abandoned.
    static HELPER: RefCell<Option<Sender<Job>>> = const { RefCell::new(None) };
}

fn start_helper() -> Sender<Job> {
    let (tx, rx) = unbounded::<Job>();
    std::thread::Builder::new()
        .name("leaklint-parse".into())
        .stack_size(crate::stacks::STACK_SIZE)
        .spawn(move || helper(&rx))
        .expect("cannot start a parse thread");
    tx
}

fn helper(jobs: &Receiver<Job>) {
    for job in jobs {
        loop {
            let (index, lint) = {
                let mut batch = lock(&job.batch);
                if batch.abandoned {
                    return;
                }
                let Some((index, lint)) = batch.pending.pop_front() else {
                    break;
                };
                batch.parsing = Some((index, Instant::now()));
                (index, lint)
            };
            let found = lint(&|| lock(&job.batch).parsing = None);
            let mut batch = lock(&job.batch);
            if batch.abandoned {
                return;
            }
            batch.done.push((index, found));
        }
        let _ = job.finished.send(());
    }
}

/// Runs `lints` (each one file's lint, calling its argument once its parse is over) in order on
/// this thread's helper, with at most `limit` for each parse. Returns the findings of each lint,
/// in the order of `lints`: for a lint whose parse did not finish within `limit`, one
/// `parse-timeout` diagnostic at the start of the file.
pub fn lint_all_within(limit: Duration, lints: Vec<Lint>) -> Vec<Vec<Diagnostic>> {
    let mut found: Vec<Option<Vec<Diagnostic>>> = Vec::new();
    found.resize_with(lints.len(), || None);
    let mut pending: VecDeque<(usize, Lint)> = lints.into_iter().enumerate().collect();
    while !pending.is_empty() {
        let (finished, through) = bounded(1);
        let batch = Arc::new(Mutex::new(Batch {
            pending: std::mem::take(&mut pending),
            done: Vec::new(),
            parsing: None,
            abandoned: false,
        }));
        let job = Job {
            batch: Arc::clone(&batch),
            finished,
        };
        let sent = HELPER.with(|h| {
            let mut h = h.borrow_mut();
            let tx = h.get_or_insert_with(start_helper);
            tx.send(job).map_err(|e| e.into_inner())
        });
        if sent.is_err() {
            // The helper is gone (it cannot panic: the lints are isolated); lint here instead.
            HELPER.with(|h| h.borrow_mut().take());
            let mut batch = lock(&batch);
            for (index, lint) in std::mem::take(&mut batch.pending) {
                found[index] = Some(lint(&|| {}));
            }
            break;
        }
        loop {
            let wait = match lock(&batch).parsing {
                Some((_, started)) => limit.saturating_sub(started.elapsed()),
                None => limit,
            };
            match through.recv_timeout(wait.max(Duration::from_millis(1))) {
                Ok(()) | Err(RecvTimeoutError::Disconnected) => break,
                Err(RecvTimeoutError::Timeout) => {
                    let mut batch = lock(&batch);
                    if let Some((index, started)) = batch.parsing {
                        if started.elapsed() >= limit {
                            // Abandon the helper: dropping its queue ends it once this parse is
                            // over; the files it did not start go to a new one.
                            batch.abandoned = true;
                            found[index] = Some(vec![parse_timeout(limit)]);
                            pending = std::mem::take(&mut batch.pending);
                            HELPER.with(|h| h.borrow_mut().take());
                            break;
                        }
                    }
                }
            }
        }
        for (index, diagnostics) in std::mem::take(&mut lock(&batch).done) {
            found[index] = Some(diagnostics);
        }
    }
    found.into_iter().map(Option::unwrap_or_default).collect()
}

/// The `parse-timeout` diagnostic for a file whose parse took longer than `limit`.
pub fn parse_timeout(limit: Duration) -> Diagnostic {
    Diagnostic::new(
        PARSE_TIMEOUT,
        ByteSpan::new(0, 0),
        format!(
            "Parsing this file took longer than {}, so no rule checked it (a known slow path of \
             the parser on deeply nested generics or type assertions)",
            seconds(limit)
        ),
    )
    .with_help(
        "raise the budget with --file-timeout, or exclude the file in leaklint.toml; if it is \
         ordinary code, please report it",
    )
}

fn seconds(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s == s.trunc() {
        format!("{s:.0} s")
    } else {
        format!("{s} s")
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::sync::Arc;

    use super::*;
    use crate::linter::{lint_source, lint_source_observed, LintOptions};

    /// Lints `text` as `path` within `limit`, as the linter does.
    fn lint_as(path: &str, text: Arc<str>, opts: &LintOptions, limit: Duration) -> Vec<Diagnostic> {
        let (path, opts) = (Path::new(path).to_path_buf(), opts.clone());
        let lint: Lint = Box::new(move |on_parsed: &dyn Fn()| {
            lint_source_observed(&path, &text, &opts, on_parsed)
        });
        lint_all_within(limit, vec![lint]).pop().unwrap_or_default()
    }

    /// Nested `<a>(`: each level doubles swc's TypeScript parse time (docs/known-issues.md).
    fn slow_ts(levels: usize) -> Arc<str> {
        "<a>(".repeat(levels).into()
    }

    #[test]
    fn a_slow_parse_times_out_and_the_next_file_is_linted_on_a_new_helper() {
        let opts = LintOptions::default();
        let t = Instant::now();
        let d = lint_as("slow.ts", slow_ts(40), &opts, Duration::from_millis(200));
        assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].rule, PARSE_TIMEOUT);
        assert!(d[0].message.contains("0.2 s"), "{}", d[0].message);
        let leak = "const cache = new Map();\nexport function get(req) {\n  cache.set(req.params.id, req.body);\n}\n";
        let d = lint_as("a.js", leak.into(), &opts, Duration::from_secs(60));
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].rule, "no-unbounded-collection");
    }

    #[test]
    fn a_slow_parse_in_a_batch_times_out_alone_and_the_files_after_it_are_linted() {
        let opts = LintOptions::default();
        let leak: Arc<str> = "const cache = new Map();\nexport function get(req) {\n  cache.set(req.params.id, req.body);\n}\n".into();
        let lint = |path: &'static str, text: Arc<str>| -> Lint {
            let opts = opts.clone();
            Box::new(move |on_parsed: &dyn Fn()| {
                lint_source_observed(Path::new(path), &text, &opts, on_parsed)
            })
        };
        let t = Instant::now();
        let found = lint_all_within(
            Duration::from_millis(200),
            vec![
                lint("a.js", Arc::clone(&leak)),
                lint("slow.ts", slow_ts(40)),
                lint("b.js", Arc::clone(&leak)),
                lint("c.js", "export const x = 1;\n".into()),
            ],
        );
        assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
        let rules: Vec<Vec<&str>> = found
            .iter()
            .map(|d| d.iter().map(|d| d.rule).collect())
            .collect();
        assert_eq!(
            rules,
            [
                vec!["no-unbounded-collection"],
                vec![PARSE_TIMEOUT],
                vec!["no-unbounded-collection"],
                vec![],
            ]
        );
    }

    #[test]
    fn within_the_budget_the_findings_are_those_of_lint_source() {
        let opts = LintOptions::default();
        let text = "<a>(".repeat(8);
        assert_eq!(
            lint_as(
                "ok.ts",
                text.as_str().into(),
                &opts,
                Duration::from_secs(60)
            ),
            lint_source(Path::new("ok.ts"), &text, &opts)
        );
    }
}
