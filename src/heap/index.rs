//! The first-edge and retainer indexes of a snapshot's graph, built from the decoded edge
//! counts and targets (by the decoder's background thread, or by the graph builder).

/// First-edge and retainer indexes: node `k`'s edges are `first_edge[k]..first_edge[k + 1]`; its
/// retainers are `ret_edge`/`ret_src` at `first_ret[k]..first_ret[k + 1]`.
pub(super) struct Index {
    pub first_edge: Vec<u32>,
    pub first_ret: Vec<u32>,
    pub ret_edge: Vec<u32>,
    pub ret_src: Vec<u32>,
}

/// Builds the first-edge prefix sums and the retainer index (counting sort by target).
/// Requires `Σ edge_count == e_to.len() < 2^32` and every target `< edge_count.len()`.
pub(super) fn build_index(edge_count: &[u32], e_to: &[u32]) -> Index {
    let n = edge_count.len();
    let mut first_edge = Vec::with_capacity(n + 1);
    let mut acc = 0u32;
    first_edge.push(0);
    for &c in edge_count {
        acc += c;
        first_edge.push(acc);
    }
    let m = e_to.len();
    let mut first_ret = vec![0u32; n + 1];
    for &to in e_to {
        first_ret[to as usize + 1] += 1;
    }
    for k in 0..n {
        first_ret[k + 1] += first_ret[k];
    }
    let mut fill = first_ret.clone();
    let mut ret_edge = vec![0u32; m];
    let mut ret_src = vec![0u32; m];
    for k in 0..n {
        for e in first_edge[k]..first_edge[k + 1] {
            let to = e_to[e as usize] as usize;
            let slot = fill[to] as usize;
            fill[to] += 1;
            ret_edge[slot] = e;
            ret_src[slot] = k as u32;
        }
    }
    Index {
        first_edge,
        first_ret,
        ret_edge,
        ret_src,
    }
}
