//! Where `leaklint check` spends its time: the per-file pipeline of `leaklint::lint_source`
//! (parse + resolver, suppression comments, semantic model, each rule, dropping the model, dropping
//! the AST, line index + suppressions), timed phase by phase and summed over all files and threads.
//!
//! ```text
//! cargo run --release --example lint_phases -- [--top N] PATH...
//! ```
//!
//! Prints the seconds of each phase (wall time inside the worker threads, summed) and the N files (default 10) that took longest, with their
//! own breakdown and the bytes its AST and its semantic model hold (a counting allocator around
//! mimalloc; exact per file with `RAYON_NUM_THREADS=1`). Discovery, parallelism, allocator and stacks are those of the CLI; the report
//! (JSON rendering) is not included.

use std::alloc::{GlobalAlloc, Layout};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use rayon::prelude::*;

use leaklint::config::ConfigResolver;
use leaklint::rules::RuleContext;
use leaklint::semantic::{
    Assign, Binding, Bound, Call, Escape, Frequency, FuncUse, Function, Path, Reference, Repeat,
    SemanticModel, Value,
};
use leaklint::source::Dialect;

/// `leaklint::alloc::MiMalloc`, as the CLI uses, counting the bytes live (all threads together)
/// and their peak.
struct Counting;
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let p = unsafe { leaklint::alloc::MiMalloc.alloc(l) };
        grow(l.size());
        p
    }
    unsafe fn alloc_zeroed(&self, l: Layout) -> *mut u8 {
        let p = unsafe { leaklint::alloc::MiMalloc.alloc_zeroed(l) };
        grow(l.size());
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        unsafe { leaklint::alloc::MiMalloc.dealloc(p, l) };
        LIVE.fetch_sub(l.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        let q = unsafe { leaklint::alloc::MiMalloc.realloc(p, l, new) };
        if new >= l.size() {
            grow(new - l.size());
        } else {
            LIVE.fetch_sub(l.size() - new, Ordering::Relaxed);
        }
        q
    }
}

fn grow(n: usize) {
    let now = LIVE.fetch_add(n, Ordering::Relaxed) + n;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

fn live() -> usize {
    LIVE.load(Ordering::Relaxed)
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const PHASES: [&str; 7] = [
    "read",
    "parse+resolve",
    "suppress-parse",
    "semantic",
    "drop model",
    "drop ast",
    "index+apply",
];

#[derive(Clone, Default)]
struct Times {
    /// Seconds per phase of PHASES, then one per rule of the registry.
    secs: Vec<f64>,
    /// AST-level counts: calls, bindings, references in the model.
    counts: [usize; 3],
    /// Bytes allocated (all threads) across parse+resolve, across the semantic build, and the
    /// growth from the file's start to the end of the rules (exact with one thread).
    mem: [isize; 3],
    /// For files over 1 MB: an estimate of where the model's bytes are.
    breakdown: Option<String>,
}

impl Times {
    fn new() -> Times {
        Times {
            secs: vec![0.0; PHASES.len() + leaklint::rules::REGISTRY.len()],
            counts: [0; 3],
            mem: [0; 3],
            breakdown: None,
        }
    }
    fn add(&mut self, o: &Times) {
        self.secs.iter_mut().zip(&o.secs).for_each(|(a, b)| *a += b);
        self.counts
            .iter_mut()
            .zip(&o.counts)
            .for_each(|(a, b)| *a += b);
    }
    fn total(&self) -> f64 {
        self.secs.iter().sum()
    }
}

fn lap(t: &mut Instant) -> f64 {
    let now = Instant::now();
    let d = (now - *t).as_secs_f64();
    *t = now;
    d
}

fn lint_one(path: &PathBuf, configs: &ConfigResolver) -> Times {
    let mut times = Times::new();
    let mut t = Instant::now();
    let m0 = live() as isize;
    let Ok(bytes) = std::fs::read(path) else {
        return times;
    };
    let Ok(text) = std::str::from_utf8(&bytes).map(str::to_string) else {
        return times;
    };
    let config = configs.for_file(path);
    let options = &config.options;
    times.secs[0] = lap(&mut t);
    let dialect = Dialect::from_path(path).unwrap_or(Dialect::JavaScript);
    swc_common::GLOBALS.set(&swc_common::Globals::new(), || {
        let m1 = live() as isize;
        let Ok(parsed) = leaklint::parse::parse(&text, dialect) else {
            times.secs[1] = lap(&mut t);
            return;
        };
        times.secs[1] = lap(&mut t);
        let m2 = live() as isize;
        times.mem[0] = m2 - m1;
        let directives = leaklint::suppress::Directives::parse(&parsed.comments, &text);
        times.secs[2] = lap(&mut t);
        let m3 = live() as isize;
        let model = leaklint::semantic::build(&parsed.program);
        times.secs[3] = lap(&mut t);
        times.mem[1] = live() as isize - m3;
        times.counts = [
            model.calls.len(),
            model.bindings.len(),
            model.references.len(),
        ];
        if text.len() > 1_000_000 {
            times.breakdown = Some(breakdown(&model));
        }
        let mut found = Vec::new();
        for (i, rule) in leaklint::rules::REGISTRY.iter().enumerate() {
            let Some(severity) = options.severity_of(rule.meta().name) else {
                continue;
            };
            if directives.disables_whole_file(rule.meta().name) {
                continue;
            }
            let ctx = RuleContext::new(&model, &text, rule.meta(), severity);
            rule.check(&ctx, &mut found);
            times.secs[PHASES.len() + i] = lap(&mut t);
        }
        times.mem[2] = live() as isize - m0;
        drop(model);
        times.secs[4] = lap(&mut t);
        drop(parsed);
        times.secs[5] = lap(&mut t);
        let mut out = Vec::new();
        let _kept = directives.apply(found, |rule| options.severity_of(rule).is_some(), &mut out);
        times.secs[6] = lap(&mut t);
    });
    times
}

/// The heap capacity (in elements) of a small vector: 0 while its items are stored inline.
fn spilled<A: smallvec::Array>(v: &smallvec::SmallVec<A>) -> usize {
    if v.spilled() {
        v.capacity()
    } else {
        0
    }
}

/// Heap bytes of a value summary (its own allocations, not the enum itself).
fn value_heap(v: &Value) -> usize {
    let path = |p: &Path| spilled(&p.props) * size_of::<swc_atoms::Atom>();
    match v {
        Value::Path(p) => path(p),
        // Shares the AST's atom.
        Value::Str(_) => 0,
        Value::Object(props) => {
            props.capacity() * size_of::<(Option<swc_atoms::Atom>, Value)>()
                + props.iter().map(|(_, v)| value_heap(v)).sum::<usize>()
        }
        Value::Array(items) => {
            items.capacity() * size_of::<Value>() + items.iter().map(value_heap).sum::<usize>()
        }
        Value::Expr(paths) => {
            paths.capacity() * size_of::<Path>() + paths.iter().map(path).sum::<usize>()
        }
        _ => 0,
    }
}

/// An estimate (vector capacities times element sizes, plus owned heap data) of the model's parts.
fn breakdown(m: &SemanticModel) -> String {
    let mb = |x: usize| x as f64 / 1e6;
    let calls = m.calls.capacity() * size_of::<Call>()
        + m.calls
            .iter()
            .map(|c| {
                spilled(&c.args) * size_of::<Value>()
                    + c.args.iter().map(value_heap).sum::<usize>()
                    + spilled(&c.arg_spans) * 8
                    + c.callee.as_ref().map_or(0, |p| spilled(&p.props) * 8)
            })
            .sum::<usize>();
    let bindings = m.bindings.capacity() * size_of::<Binding>()
        + m.bindings
            .iter()
            .map(|b| b.init.as_ref().map_or(0, value_heap))
            .sum::<usize>();
    let functions = m.functions.capacity() * size_of::<Function>()
        + m.functions
            .iter()
            .map(|f| spilled(&f.params) * 4 + spilled(&f.uses) * size_of::<FuncUse>())
            .sum::<usize>();
    let refs = m.references.capacity() * size_of::<Reference>();
    let assigns = m.assigns.capacity() * size_of::<Assign>()
        + m.assigns
            .iter()
            .map(|a| value_heap(&a.value))
            .sum::<usize>();
    let escapes =
        m.escapes.capacity() * size_of::<Escape>() + m.bounds.capacity() * size_of::<Bound>();
    let mut links = 0usize;
    for f in m.frequencies() {
        if let Frequency::Repeated(mut r) = f.clone() {
            while let Repeat::CalledFrom(_, next) = r {
                links += 1;
                r = *next;
            }
        }
    }
    let freq = std::mem::size_of_val(m.frequencies()) + links * size_of::<Repeat>();
    format!(
        "model parts MB: calls {:.1} (Call {} B, Value {} B), bindings {:.1} (Binding {} B), functions {:.1} ({}), references {:.1}, assigns {:.1}, escapes+bounds {:.1}, frequency {:.1} ({} CalledFrom links)",
        mb(calls),
        size_of::<Call>(),
        size_of::<Value>(),
        mb(bindings),
        size_of::<Binding>(),
        mb(functions),
        m.functions.len(),
        mb(refs),
        mb(assigns),
        mb(escapes),
        mb(freq),
        links
    )
}

fn run() {
    let mut top = 10usize;
    let mut paths: Vec<PathBuf> = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--top" => top = args.next().and_then(|n| n.parse().ok()).unwrap_or(top),
            _ => paths.push(a.into()),
        }
    }
    if paths.is_empty() {
        paths.push(".".into());
    }
    let cwd = std::env::current_dir().unwrap_or_default();
    let configs = ConfigResolver::new(None, &cwd);
    let found = leaklint::walk::discover(&paths, false, &configs);
    let started = Instant::now();
    let slow: Mutex<Vec<(f64, PathBuf, Times)>> = Mutex::new(Vec::new());
    let total = found
        .files
        .par_iter()
        .map(|p| {
            let t = lint_one(p, &configs);
            let mut s = slow.lock().unwrap();
            s.push((t.total(), p.clone(), t.clone()));
            if s.len() > 4 * top + 64 {
                s.sort_by(|a, b| b.0.total_cmp(&a.0));
                s.truncate(top);
            }
            t
        })
        .reduce(Times::new, |mut a, b| {
            a.add(&b);
            a
        });
    let wall = started.elapsed().as_secs_f64();
    let names: Vec<&str> = PHASES
        .iter()
        .copied()
        .chain(leaklint::rules::REGISTRY.iter().map(|r| r.meta().name))
        .collect();
    println!(
        "files={} threads={} wall_s={:.3} phase_s={:.3} peak_live_MB={:.1} live_at_end_MB={:.1}",
        found.files.len(),
        rayon::current_num_threads(),
        wall,
        total.total(),
        PEAK.load(Ordering::Relaxed) as f64 / 1e6,
        live() as f64 / 1e6
    );
    for (n, s) in names.iter().zip(&total.secs) {
        println!(
            "  {:<24} {:8.3} s  {:5.1}%",
            n,
            s,
            100.0 * s / total.total()
        );
    }
    let mut s = slow.into_inner().unwrap();
    s.sort_by(|a, b| b.0.total_cmp(&a.0));
    println!(
        "slowest files (s: {}; calls/bindings/references; MB: AST+comments, model, file total):",
        names.join(", ")
    );
    for (tot, p, t) in s.iter().take(top) {
        let parts: Vec<String> = t.secs.iter().map(|x| format!("{x:.3}")).collect();
        let mb = |x: isize| x as f64 / 1e6;
        println!(
            "  {tot:7.3}  {}  [{}]  {}/{}/{}  {:.1}/{:.1}/{:.1}",
            p.display(),
            parts.join(" "),
            t.counts[0],
            t.counts[1],
            t.counts[2],
            mb(t.mem[0]),
            mb(t.mem[1]),
            mb(t.mem[2])
        );
        if let Some(b) = &t.breakdown {
            println!("           {b}");
        }
    }
}

fn main() {
    leaklint::run_with_lint_stacks(run).expect("lint_phases panicked");
}
