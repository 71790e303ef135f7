//! Loads heap snapshots and prints either the largest retainers (one file) or the diff
//! (2 files: before after; 3 files: baseline target final).
//!
//! Usage: `heap_summary [--project DIR] [--top N] [--json] FILE [FILE [FILE]]`
//! Prints per-phase timings on stderr (used by `benches/heap/run.sh`).
use std::path::PathBuf;
use std::time::Instant;

use leaklint::heap;

fn main() {
    let mut args = std::env::args().skip(1);
    let mut files: Vec<PathBuf> = vec![];
    let mut project = std::env::current_dir().unwrap();
    let mut top = 10usize;
    let mut json = false;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--project" => project = PathBuf::from(args.next().expect("--project DIR")),
            "--top" => top = args.next().and_then(|s| s.parse().ok()).expect("--top N"),
            "--json" => json = true,
            _ => files.push(PathBuf::from(a)),
        }
    }
    if files.is_empty() || files.len() > 3 {
        eprintln!("usage: heap_summary [--project DIR] [--top N] [--json] FILE [FILE [FILE]]");
        std::process::exit(2);
    }
    let t0 = Instant::now();
    let mut snaps = vec![];
    for f in &files {
        match heap::load(f) {
            Ok(s) => {
                eprintln!(
                    "loaded {} nodes, {} edges; parse {:.2?} index {:.2?} paths {:.2?} dominators+retained {:.2?} scripts {:.2?}",
                    s.node_count(), s.edge_count(), s.timings.parse, s.timings.index, s.timings.paths,
                    s.timings.dominators, s.timings.scripts
                );
                snaps.push(s)
            }
            Err(e) => {
                eprintln!("error: {e}");
                std::process::exit(1);
            }
        }
    }
    let t1 = Instant::now();
    if snaps.len() == 1 {
        let entries = heap::summary(&snaps[0], &project, top);
        eprintln!("summary {:.2?}; total {:.2?}", t1.elapsed(), t0.elapsed());
        if json {
            println!("{}", serde_json::to_string_pretty(&entries).unwrap());
            return;
        }
        for e in entries {
            println!(
                "{} ({}) retained {} B, self {} B{}",
                e.node_name,
                e.node_type,
                e.retained_bytes,
                e.self_size,
                e.anchor
                    .as_ref()
                    .map(|a| format!("  at {a} {:?}", a.kind))
                    .unwrap_or_default()
            );
            print!("{}", heap::render_pretty(&e.retainer_path));
        }
    } else {
        let g = heap::diff(&snaps[0], &snaps[1], snaps.get(2), &project);
        eprintln!("diff {:.2?}; total {:.2?}", t1.elapsed(), t0.elapsed());
        if json {
            println!(
                "{}",
                serde_json::to_string_pretty(&g[..g.len().min(top)]).unwrap()
            );
            return;
        }
        for x in g.iter().take(top) {
            println!(
                "{} objects, retained {} B{}",
                x.objects,
                x.retained_bytes,
                x.anchor
                    .as_ref()
                    .map(|a| format!("  at {a} {:?}", a.kind))
                    .unwrap_or_default()
            );
            println!("  shape: {}", x.shape);
            print!("{}", heap::render_pretty(&x.retainer_path));
        }
    }
}
