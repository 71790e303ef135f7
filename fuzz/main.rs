//! leaklint's fuzzer, on stable Rust (no `cargo fuzz`, which needs nightly): mutates seed inputs
//! ([`mutate`]) and runs them through one target ([`targets`]) for a given time. Each failing
//! input is minimised and written to `fuzz/regressions/<target>/<hash>.in`, which
//! `tests/fuzz_regressions.rs` replays. An input under 100 KB that runs longer than 20 s in all
//! (the 10 s parse budget plus reporting) counts as a hang. Run through `scripts/fuzz.sh TARGET
//! SECONDS`; the closing line gives the counts for docs/reliability.md.

mod mutate;
mod targets;

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use clap::Parser;
use targets::Outcome;

/// Fuzz one leaklint target.
#[derive(Parser)]
struct Args {
    /// lint, config, heap or lsp.
    target: String,
    /// How long to run.
    seconds: u64,
    /// Seed of the mutations (default: the time).
    #[arg(long)]
    seed: Option<u64>,
    /// Folders whose files seed the lint and lsp targets (JS/TS under 100 KB).
    #[arg(long = "seeds")]
    seed_dirs: Vec<PathBuf>,
    /// Heap snapshots that seed the heap target.
    #[arg(long = "snapshot")]
    snapshots: Vec<PathBuf>,
}

/// How long one input may run before it counts as a hang.
const HANG: Duration = Duration::from_secs(20);

fn main() {
    let args = Args::parse();
    assert!(
        targets::TARGETS.contains(&args.target.as_str()),
        "unknown target {} (one of {:?})",
        args.target,
        targets::TARGETS
    );
    let seed = args.seed.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64)
    });
    let corpus = seeds(&args);
    assert!(!corpus.is_empty(), "no seeds for {}", args.target);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out_dir = root.join("fuzz/regressions").join(&args.target);
    let mut m = mutate::Mutator::new(seed);
    let deadline = Instant::now() + Duration::from_secs(args.seconds);
    let (mut tried, mut known, mut failed, mut hangs) = (0u64, 0u64, 0u64, 0u64);
    let mut worker = Worker::start(&args.target);
    eprintln!(
        "fuzz {}: seed {seed}, {} seed inputs, {} s",
        args.target,
        corpus.len(),
        args.seconds
    );
    while Instant::now() < deadline {
        let base = &corpus[m.below(corpus.len())];
        let other = &corpus[m.below(corpus.len())];
        let input = m.mutate(base, other);
        tried += 1;
        let outcome = match worker.run(&input) {
            Some(o) => o,
            None => {
                worker = Worker::start(&args.target);
                if input.len() >= 100 << 10 {
                    continue;
                }
                hangs += 1;
                Outcome::Fail(format!("no result within {HANG:?}"))
            }
        };
        match outcome {
            Outcome::Pass => {}
            Outcome::Known => known += 1,
            Outcome::Fail(why) => {
                failed += 1;
                let dir = tempfile::tempdir().expect("a scratch folder");
                let target = args.target.clone();
                let fails =
                    |c: &[u8]| matches!(targets::run(&target, c, dir.path()), Outcome::Fail(_));
                let small = if why.starts_with("no result") {
                    input.clone()
                } else {
                    mutate::minimise(&input, Duration::from_secs(60), &fails)
                };
                let name = format!("{}.in", &blake3::hash(&small).to_hex()[..16]);
                std::fs::create_dir_all(&out_dir).expect("cannot create fuzz/regressions");
                std::fs::write(out_dir.join(&name), &small).expect("cannot record the input");
                eprintln!(
                    "FAIL {}/{name} ({} bytes, minimised from {}): {why}",
                    args.target,
                    small.len(),
                    input.len()
                );
            }
        }
    }
    println!(
        "fuzz {}: {tried} inputs in {} s, {failed} failures ({hangs} hangs), {known} known swc \
         issues (parse-timeout, the JSX panic or a debug assertion), seed {seed}",
        args.target, args.seconds
    );
    std::process::exit(i32::from(failed > 0));
}

/// Runs inputs on a thread of its own, so that a hang can be noticed (and the thread left
/// behind).
struct Worker {
    jobs: mpsc::Sender<Vec<u8>>,
    results: mpsc::Receiver<Outcome>,
}

impl Worker {
    fn start(target: &str) -> Worker {
        let (jobs, rx) = mpsc::channel::<Vec<u8>>();
        let (tx, results) = mpsc::channel();
        let target = target.to_string();
        std::thread::Builder::new()
            .stack_size(256 << 20)
            .spawn(move || {
                let dir = tempfile::tempdir().expect("a scratch folder");
                for input in rx {
                    if tx.send(targets::run(&target, &input, dir.path())).is_err() {
                        return;
                    }
                }
            })
            .expect("cannot start the fuzz worker");
        Worker { jobs, results }
    }

    /// The outcome, or `None` after [`HANG`].
    fn run(&self, input: &[u8]) -> Option<Outcome> {
        self.jobs.send(input.to_vec()).ok()?;
        self.results.recv_timeout(HANG).ok()
    }
}

/// The seed inputs of the target.
fn seeds(args: &Args) -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    match args.target.as_str() {
        "config" => CONFIGS.iter().map(|c| c.as_bytes().to_vec()).collect(),
        "heap" => {
            let mut out: Vec<Vec<u8>> = args
                .snapshots
                .iter()
                .filter_map(|p| std::fs::read(p).ok())
                .collect();
            out.push(TINY_SNAPSHOT.as_bytes().to_vec());
            out
        }
        target => {
            let mut dirs = vec![root.join("fixtures"), root.join("examples")];
            dirs.extend(args.seed_dirs.iter().cloned());
            let mut files = Vec::new();
            for d in dirs {
                collect_sources(&d, &mut files);
            }
            files.sort();
            files.truncate(5000);
            let texts = files.iter().filter_map(|p| std::fs::read(p).ok());
            if target == "lsp" {
                texts
                    .map(|t| targets::lsp_session(&String::from_utf8_lossy(&t), "javascript"))
                    .collect()
            } else {
                texts.collect()
            }
        }
    }
}

fn collect_sources(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        let Ok(t) = e.file_type() else { continue };
        if t.is_dir() {
            collect_sources(&p, out);
        } else if t.is_file()
            && leaklint::source::Dialect::from_path(&p).is_some()
            && e.metadata().is_ok_and(|m| m.len() < 100 << 10)
        {
            out.push(p);
        }
    }
}

/// `leaklint.toml` seeds: every key, good and bad values.
const CONFIGS: &[&str] = &[
    "min-confidence = \"low\"\ninclude = [\"src/**\"]\nexclude = [\"**/*.test.js\", \"dist\"]\n\n[rules]\nno-leaked-timer = \"warn\"\nno-unbounded-collection = \"off\"\n",
    "[rules]\nno-leaked-listener = \"error\"\n",
    "min-confidence = \"high\"\n",
    "exclude = [\"a/{b,c}/**\"]\n[rules]\nno-such-rule = \"warn\"\n",
    "",
];

/// A hand-made snapshot: five nodes, five edges (the shape of V8's `.heapsnapshot`).
const TINY_SNAPSHOT: &str = r#"{"snapshot":{"meta":{"node_fields":["type","name","id","self_size","edge_count","trace_node_id","detachedness"],"node_types":[["hidden","array","string","object","code","closure","regexp","number","native","synthetic","concatenated string","sliced string","symbol","bigint","object shape"],"string","number","number","number","number","number"],"edge_fields":["type","name_or_index","to_node"],"edge_types":[["context","element","property","internal","hidden","shortcut","weak"],"string_or_number","node"],"location_fields":["object_index","script_id","line","column"]},"node_count":5,"edge_count":5,"trace_function_count":0},
"nodes":[9,0,1,0,2,0,0,3,1,3,40,2,0,0,3,2,5,100,1,0,0,3,3,7,50,0,0,0,3,3,9,70,0,0,0],
"edges":[5,4,7,6,5,28,2,5,14,2,6,21,2,7,21],
"locations":[],
"strings":["<dummy>","global","A","B","2","a","b","c"]}
"#;
