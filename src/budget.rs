//! A time budget for parsing one file. swc's TypeScript parser backtracks exponentially on some
//! inputs (a 100-byte file of nested `<a>(` parses for minutes, docs/known-issues.md), and a
//! parser cannot be interrupted from outside. So the file is linted on a helper thread while the
//! caller waits up to the budget for the parse to finish; past it the caller reports a
//! `parse-timeout` diagnostic and moves on, and the helper is abandoned: it finishes the parse in
//! the background (its result is dropped) and then exits. Each calling thread keeps one helper
//! for all its files, so the cost per file is two channel messages, not a thread.

use std::cell::RefCell;
use std::time::{Duration, Instant};

use crossbeam_channel::{bounded, unbounded, Receiver, RecvTimeoutError, Sender};

use crate::diagnostic::{ByteSpan, Diagnostic};
use crate::isolate::PARSE_TIMEOUT;

/// What the helper reports about one job.
enum Progress {
    /// The parse is over (the rest of the lint is not limited).
    Parsed,
    /// The findings.
    Done(Vec<Diagnostic>),
}

/// A lint to run: it calls its argument once the parse is over.
type Lint = Box<dyn FnOnce(&dyn Fn()) -> Vec<Diagnostic> + Send>;

struct Job {
    lint: Lint,
    reply: Sender<Progress>,
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
        let reply = job.reply;
        let found = (job.lint)(&|| {
            let _ = reply.send(Progress::Parsed);
        });
        let _ = reply.send(Progress::Done(found));
    }
}

/// Runs `lint` (one file's lint, which calls its argument once its parse is over) with at most
/// `limit` for the parse. Returns the findings, or one `parse-timeout` diagnostic at the start
/// of the file when the parse did not finish within `limit`.
pub fn lint_within(
    limit: Duration,
    lint: impl FnOnce(&dyn Fn()) -> Vec<Diagnostic> + Send + 'static,
) -> Vec<Diagnostic> {
    let deadline = Instant::now() + limit;
    let (reply, progress) = bounded(2);
    let job = Job {
        lint: Box::new(lint),
        reply,
    };
    let sent = HELPER.with(|h| {
        let mut h = h.borrow_mut();
        let tx = h.get_or_insert_with(start_helper);
        tx.send(job).map_err(|e| e.into_inner())
    });
    if let Err(job) = sent {
        // The helper is gone (it cannot panic: the lint is isolated); lint here instead.
        HELPER.with(|h| h.borrow_mut().take());
        return (job.lint)(&|| {});
    }
    match progress.recv_deadline(deadline) {
        // Past the parse, the rest of the lint is not limited.
        Ok(Progress::Parsed) => match progress.recv() {
            Ok(Progress::Done(found)) => found,
            _ => Vec::new(),
        },
        Ok(Progress::Done(found)) => found,
        Err(RecvTimeoutError::Timeout) => {
            // Abandon the helper: dropping its queue ends it once this parse is over.
            HELPER.with(|h| h.borrow_mut().take());
            vec![parse_timeout(limit)]
        }
        Err(RecvTimeoutError::Disconnected) => Vec::new(),
    }
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
        lint_within(limit, move |on_parsed| {
            lint_source_observed(&path, &text, &opts, on_parsed)
        })
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
