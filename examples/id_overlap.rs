//! Prints how the objects of two snapshots line up by id (`heap::id_overlap`): common JS
//! objects, how many differ in type or name, the largest id of each. Used to measure the
//! threshold of `heap::identity::MAX_DIFFERING_SHARE` (docs/heap.md).
//!
//! Usage: `id_overlap FIRST SECOND`
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() != 2 {
        eprintln!("usage: id_overlap FIRST SECOND");
        std::process::exit(2);
    }
    let load = |p: &str| {
        leaklint::heap::load(std::path::Path::new(p)).unwrap_or_else(|e| {
            eprintln!("{e}");
            std::process::exit(2)
        })
    };
    let o = leaklint::heap::id_overlap(&load(&args[0]), &load(&args[1]));
    println!(
        "{} of {} common objects differ ({:.4} %); largest ids {} / {}",
        o.differing,
        o.common,
        o.differing_share() * 100.0,
        o.first_max_id,
        o.second_max_id
    );
}
