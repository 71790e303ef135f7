//! Indexed heap graph: flat arrays, retainer index, shortest retainer paths (docs/heap.md
//! §10 traversal policy) and dominators / retained sizes (§10.6 refinements).

use std::time::Instant;

use rustc_hash::FxHashMap;

use super::decode::Parsed;
use super::dominators::{lengauer_tarjan, subtree_sums, DomGraph};
use super::index::{build_index, Index};
use super::Timings;

/// No distance / no parent.
pub(crate) const NONE: u32 = u32::MAX;
/// Distances of nodes reached only from system roots start here (DevTools convention, §13.2).
pub(crate) const SYSTEM_DISTANCE: u32 = 100_000_000;

/// Indices of the node-type names this module cares about (255 = absent from meta).
#[derive(Debug, Clone, Copy)]
#[allow(dead_code)]
pub(crate) struct NodeTypes {
    pub hidden: u8,
    pub array: u8,
    pub string: u8,
    pub object: u8,
    pub code: u8,
    pub closure: u8,
    pub regexp: u8,
    pub number: u8,
    pub native: u8,
    pub synthetic: u8,
    pub concat: u8,
    pub sliced: u8,
    pub shape: u8,
}

/// Indices of the edge-type names (255 = absent).
#[derive(Debug, Clone, Copy)]
pub(crate) struct EdgeTypes {
    pub context: u8,
    pub element: u8,
    pub property: u8,
    pub internal: u8,
    pub hidden: u8,
    pub shortcut: u8,
    pub weak: u8,
}

fn idx(list: &[String], name: &str) -> u8 {
    list.iter()
        .position(|s| s == name)
        .map(|p| p as u8)
        .unwrap_or(255)
}

/// The graph plus analysis results. See [`super::HeapSnapshot`].
#[derive(Clone)]
pub(crate) struct Graph {
    pub node_types: Vec<String>,
    pub edge_types: Vec<String>,
    pub nt: NodeTypes,
    pub et: EdgeTypes,
    pub n_type: Vec<u8>,
    pub n_name: Vec<u32>,
    pub n_id: Vec<u64>,
    pub n_size: Vec<u64>,
    /// Outgoing edges of node k are `first_edge[k]..first_edge[k+1]`.
    pub first_edge: Vec<u32>,
    pub e_type: Vec<u8>,
    pub e_name: Vec<u32>,
    pub e_to: Vec<u32>,
    /// Incoming edges of node k are `ret_edge[first_ret[k]..first_ret[k+1]]`, source `ret_src[..]`.
    pub first_ret: Vec<u32>,
    pub ret_edge: Vec<u32>,
    pub ret_src: Vec<u32>,
    pub str_data: String,
    pub str_offs: Vec<u32>,
    /// Sorted by node: (node, script id, line, column), 0-based line/column.
    pub locations: Vec<[u32; 4]>,
    pub root: u32,
    /// BFS distance from the user roots (§10.2); `SYSTEM_DISTANCE + d` for system-root-only nodes.
    pub dist: Vec<u32>,
    /// Edge index by which the shortest path reaches each node.
    pub parent_edge: Vec<u32>,
    pub parent_node: Vec<u32>,
    pub idom: Vec<u32>,
    /// Dominator-tree preorder (each node after its immediate dominator).
    pub dom_order: Vec<u32>,
    pub retained: Vec<u64>,
    pub orphans: usize,
    /// String indices that name WeakMap ephemeron edges, with the table id parsed from the name.
    pub ephemeron: FxHashMap<u32, u64>,
    /// Per string index: names a WeakMap ephemeron edge.
    pub eph_flag: Vec<bool>,
    /// String indexes of `system / NativeContext` and `system / PropertyCell` (or NONE).
    pub skip_names: [u32; 2],
}

impl Graph {
    pub(super) fn build(p: Parsed, t: &mut Timings) -> Graph {
        let t0 = Instant::now();
        let index = match p.index {
            Some(ix) => ix,
            None => build_index(&p.n_edge_count, &p.e_to),
        };
        drop(p.n_edge_count);
        let Index {
            first_edge,
            first_ret,
            ret_edge,
            ret_src,
        } = index;
        let nt = NodeTypes {
            hidden: idx(&p.node_types, "hidden"),
            array: idx(&p.node_types, "array"),
            string: idx(&p.node_types, "string"),
            object: idx(&p.node_types, "object"),
            code: idx(&p.node_types, "code"),
            closure: idx(&p.node_types, "closure"),
            regexp: idx(&p.node_types, "regexp"),
            number: idx(&p.node_types, "number"),
            native: idx(&p.node_types, "native"),
            synthetic: idx(&p.node_types, "synthetic"),
            concat: idx(&p.node_types, "concatenated string"),
            sliced: idx(&p.node_types, "sliced string"),
            shape: idx(&p.node_types, "object shape"),
        };
        let et = EdgeTypes {
            context: idx(&p.edge_types, "context"),
            element: idx(&p.edge_types, "element"),
            property: idx(&p.edge_types, "property"),
            internal: idx(&p.edge_types, "internal"),
            hidden: idx(&p.edge_types, "hidden"),
            shortcut: idx(&p.edge_types, "shortcut"),
            weak: idx(&p.edge_types, "weak"),
        };
        let mut g = Graph {
            node_types: p.node_types,
            edge_types: p.edge_types,
            nt,
            et,
            n_type: p.n_type,
            n_name: p.n_name,
            n_id: p.n_id,
            n_size: p.n_size,
            first_edge,
            e_type: p.e_type,
            e_name: p.e_name,
            e_to: p.e_to,
            first_ret,
            ret_edge,
            ret_src,
            str_data: p.str_data,
            str_offs: p.str_offs,
            locations: p.locations,
            root: p.root,
            dist: vec![],
            parent_edge: vec![],
            parent_node: vec![],
            idom: vec![],
            dom_order: vec![],
            retained: vec![],
            orphans: 0,
            ephemeron: FxHashMap::default(),
            eph_flag: vec![],
            skip_names: [NONE; 2],
        };
        g.find_ephemerons();
        t.index = t0.elapsed();
        // Shortest paths and dominators are independent: run them on two threads.
        let (paths, dom) = std::thread::scope(|sc| {
            let gr = &g;
            let h = sc.spawn(move || {
                let t1 = Instant::now();
                let r = gr.shortest_paths();
                (r, t1.elapsed())
            });
            let t2 = Instant::now();
            let d = gr.dominators();
            let d = (d, t2.elapsed());
            // A panic here would be a bug; propagate it rather than hide it.
            let p = match h.join() {
                Ok(p) => p,
                Err(e) => std::panic::resume_unwind(e),
            };
            (p, d)
        });
        ((g.dist, g.parent_edge, g.parent_node), t.paths) = paths;
        ((g.retained, g.idom, g.dom_order, g.orphans), t.dominators) = dom;
        g
    }

    #[inline]
    pub fn node_count(&self) -> usize {
        self.n_type.len()
    }

    #[inline]
    pub fn str(&self, i: u32) -> &str {
        let a = self.str_offs[i as usize] as usize;
        let b = self.str_offs[i as usize + 1] as usize;
        &self.str_data[a..b]
    }

    #[inline]
    pub fn name(&self, v: u32) -> &str {
        self.str(self.n_name[v as usize])
    }

    pub fn type_name(&self, v: u32) -> &str {
        &self.node_types[self.n_type[v as usize] as usize]
    }

    pub fn edge_type_name(&self, e: u32) -> &str {
        &self.edge_types[self.e_type[e as usize] as usize]
    }

    /// Edge label: string name, or the integer index for element/hidden edges (§4).
    pub fn edge_name(&self, e: u32) -> String {
        let t = self.e_type[e as usize];
        if t == self.et.element || t == self.et.hidden {
            self.e_name[e as usize].to_string()
        } else {
            self.str(self.e_name[e as usize]).to_string()
        }
    }

    /// True when the edge's name is the string `s` (never for element/hidden edges).
    #[inline]
    pub fn edge_is(&self, e: u32, s: &str) -> bool {
        let t = self.e_type[e as usize];
        t != self.et.element && t != self.et.hidden && self.str(self.e_name[e as usize]) == s
    }

    #[inline]
    pub fn edges(&self, v: u32) -> std::ops::Range<u32> {
        self.first_edge[v as usize]..self.first_edge[v as usize + 1]
    }

    #[inline]
    pub fn rets(&self, v: u32) -> std::ops::Range<usize> {
        self.first_ret[v as usize] as usize..self.first_ret[v as usize + 1] as usize
    }

    /// Source location (0-based line, column) and script id of a node, if V8 recorded one (§6).
    pub fn location(&self, v: u32) -> Option<(u32, u32, u32)> {
        let i = self.locations.partition_point(|l| l[0] < v);
        self.locations
            .get(i)
            .filter(|l| l[0] == v)
            .map(|l| (l[1], l[2], l[3]))
    }

    /// Outgoing edge of `v` named `name` (first one).
    pub fn child(&self, v: u32, name: &str) -> Option<u32> {
        self.edges(v)
            .find(|&e| self.edge_is(e, name))
            .map(|e| self.e_to[e as usize])
    }

    fn find_ephemerons(&mut self) {
        // WeakMap pair edges: internal edges named
        // "<slot> / part of key (K @id) -> value (V @id) pair in WeakMap (table @id)" (§9.3).
        // One state byte per string (0 = unchecked, 1 = no, 2 = yes) keeps this O(edges) without
        // hashing the millions of numeric slot names of big Map tables.
        let nstr = self.str_offs.len().saturating_sub(1);
        let mut state = vec![0u8; nstr];
        let mut map: FxHashMap<u32, u64> = FxHashMap::default();
        for e in 0..self.e_type.len() {
            if self.e_type[e] != self.et.internal {
                continue;
            }
            let s = self.e_name[e];
            if state[s as usize] != 0 {
                continue;
            }
            let name = self.str(s);
            let table = if name.contains("part of key") {
                name.rfind("table @").map(|p| {
                    name[p + 7..]
                        .bytes()
                        .take_while(|b| b.is_ascii_digit())
                        .fold(0u64, |a, b| a * 10 + (b - b'0') as u64)
                })
            } else {
                None
            };
            state[s as usize] = if table.is_some() { 2 } else { 1 };
            if let Some(t) = table {
                map.insert(s, t);
            }
        }
        self.eph_flag = state.into_iter().map(|x| x == 2).collect();
        self.ephemeron = map;
        // Names of nodes that display paths never enter (§10.4). V8 writes each distinct string
        // once, so comparing string indexes is exact.
        let mut skip = [NONE; 2];
        for i in 0..nstr as u32 {
            match self.str(i) {
                "system / NativeContext" => skip[0] = i,
                "system / PropertyCell" => skip[1] = i,
                _ => {}
            }
        }
        self.skip_names = skip;
    }

    #[inline]
    fn is_ephemeron(&self, e: u32) -> bool {
        self.e_type[e as usize] == self.et.internal
            && self.eph_flag[self.e_name[e as usize] as usize]
    }

    /// Edge filter for *display* paths (§10.1, §10.4): no weak edges, nothing into code, hidden
    /// classes, the NativeContext or PropertyCells, no `sloppy_function_map`.
    fn display_edge(&self, e: u32) -> bool {
        let t = self.e_type[e as usize];
        if t == self.et.weak {
            return false;
        }
        let to = self.e_to[e as usize];
        let tt = self.n_type[to as usize];
        if tt == self.nt.code || tt == self.nt.shape {
            return false;
        }
        let nn = self.n_name[to as usize];
        if (nn == self.skip_names[0] || nn == self.skip_names[1]) && nn != NONE {
            let nm = self.name(to);
            if nm == "system / NativeContext" || nm == "system / PropertyCell" {
                return false;
            }
        }
        if t == self.et.hidden || t == self.et.internal {
            let nm = if t == self.et.internal {
                self.str(self.e_name[e as usize])
            } else {
                ""
            };
            if nm == "feedback_cell" || nm == "code" || nm == "sloppy_function_map" {
                return false;
            }
        }
        true
    }

    /// Breadth-first shortest paths (docs/heap.md §10): phase 1 from the user roots (the
    /// root's non-synthetic children, i.e. `global`), phase 2 from the synthetic root for
    /// everything else (distance offset 100,000,000 like DevTools), phase 3 relaxes the display
    /// filter (only weak edges stay excluded) so every strongly reachable node gets a path.
    /// WeakMap values are entered only via the second of their two ephemeron edges. No length cap.
    fn shortest_paths(&self) -> (Vec<u32>, Vec<u32>, Vec<u32>) {
        let n = self.node_count();
        let mut dist = vec![NONE; n];
        let mut pe = vec![NONE; n];
        let mut pn = vec![NONE; n];
        let mut queue: Vec<u32> = Vec::with_capacity(n);
        let mut eph_seen: rustc_hash::FxHashSet<u32> = Default::default();
        let root = self.root;
        dist[root as usize] = 0;
        // Phase 1 seeds: user roots.
        for e in self.edges(root) {
            let to = self.e_to[e as usize];
            if self.e_type[e as usize] == self.et.weak
                || self.n_type[to as usize] == self.nt.synthetic
            {
                continue;
            }
            if dist[to as usize] == NONE {
                dist[to as usize] = 1;
                pe[to as usize] = e;
                pn[to as usize] = root;
                queue.push(to);
            }
        }
        let mut bfs = |g: &Graph,
                       queue: &mut Vec<u32>,
                       head: usize,
                       dist: &mut [u32],
                       pe: &mut [u32],
                       pn: &mut [u32],
                       strict: bool| {
            let mut h = head;
            while h < queue.len() {
                let v = queue[h];
                h += 1;
                let d = dist[v as usize] + 1;
                for e in g.edges(v) {
                    let to = g.e_to[e as usize];
                    if dist[to as usize] != NONE {
                        continue;
                    }
                    if strict {
                        if !g.display_edge(e) {
                            continue;
                        }
                    } else if g.e_type[e as usize] == g.et.weak {
                        continue;
                    }
                    if g.is_ephemeron(e) && eph_seen.insert(g.e_name[e as usize]) {
                        continue; // first of the two key/table edges (§9.3)
                    }
                    if g.e_type[e as usize] == g.et.shortcut && v != g.root {
                        continue;
                    }
                    dist[to as usize] = d;
                    pe[to as usize] = e;
                    pn[to as usize] = v;
                    queue.push(to);
                }
            }
        };
        bfs(self, &mut queue, 0, &mut dist, &mut pe, &mut pn, true);
        // Phase 2: system roots.
        let start2 = queue.len();
        for e in self.edges(root) {
            let to = self.e_to[e as usize];
            if self.e_type[e as usize] != self.et.weak && dist[to as usize] == NONE {
                dist[to as usize] = SYSTEM_DISTANCE;
                pe[to as usize] = e;
                pn[to as usize] = root;
                queue.push(to);
            }
        }
        bfs(self, &mut queue, start2, &mut dist, &mut pe, &mut pn, true);
        // Phase 3: whatever only the display filter hid (code, maps, NativeContext…).
        let mut q2 = std::iter::once(root)
            .chain(queue.iter().copied())
            .collect::<Vec<_>>();
        drop(queue);
        bfs(self, &mut q2, 0, &mut dist, &mut pe, &mut pn, false);
        (dist, pe, pn)
    }

    /// Nodes on the shortest path from the root to `v`, as (edge into node, node), root first
    /// with edge `NONE`. Empty if `v` is unreachable.
    pub fn path_to(&self, v: u32) -> Vec<(u32, u32)> {
        if self.dist[v as usize] == NONE {
            return vec![];
        }
        let mut out = vec![];
        let mut x = v;
        while x != self.root {
            out.push((self.parent_edge[x as usize], x));
            x = self.parent_node[x as usize];
        }
        out.push((NONE, self.root));
        out.reverse();
        out
    }

    /// Dominators over "essential" edges (§10.6) with Lengauer–Tarjan, then retained sizes.
    fn dominators(&self) -> (Vec<u64>, Vec<u32>, Vec<u32>, usize) {
        let n = self.node_count();
        // Page-owned = reachable from the user roots (the root's shortcut / non-synthetic
        // children) via non-weak edges.
        let mut page = vec![false; n];
        let mut st: Vec<u32> = vec![];
        for e in self.edges(self.root) {
            let to = self.e_to[e as usize];
            if self.e_type[e as usize] != self.et.weak
                && self.n_type[to as usize] != self.nt.synthetic
                && !page[to as usize]
            {
                page[to as usize] = true;
                st.push(to);
            }
        }
        while let Some(v) = st.pop() {
            for e in self.edges(v) {
                let to = self.e_to[e as usize];
                let t = self.e_type[e as usize];
                if t == self.et.weak || t == self.et.shortcut || page[to as usize] {
                    continue;
                }
                page[to as usize] = true;
                st.push(to);
            }
        }
        // Evaluate the edge predicate once, sequentially, into a bitset: the DFS and the
        // predecessor scans of Lengauer–Tarjan then test one bit instead of touching four arrays.
        let m = self.e_to.len();
        let mut ess = vec![0u64; m.div_ceil(64)];
        {
            let pre = Essential {
                g: self,
                page: &page,
                ess: &[],
            };
            for v in 0..n as u32 {
                for e in self.edges(v) {
                    if pre.ok(v, e) {
                        ess[e as usize >> 6] |= 1u64 << (e & 63);
                    }
                }
            }
        }
        drop(page);
        let view = Essential {
            g: self,
            page: &[],
            ess: &ess,
        };
        let tree = lengauer_tarjan(&view, self.root);
        let sizes = &self.n_size;
        let retained = subtree_sums(&tree, |v| sizes[v as usize]);
        (retained, tree.idom, tree.order, tree.orphans)
    }
}

/// The graph restricted to essential edges (§10.6): not weak, not self, shortcut only from the
/// root, WeakMap table→value skipped, and no edge from a non-page-owned node into a page-owned one.
struct Essential<'a> {
    g: &'a Graph,
    page: &'a [bool],
    /// Precomputed `ok` per edge (bitset).
    ess: &'a [u64],
}

impl Essential<'_> {
    #[inline]
    fn ok(&self, src: u32, e: u32) -> bool {
        let g = self.g;
        let t = g.e_type[e as usize];
        if t == g.et.weak {
            return false;
        }
        let to = g.e_to[e as usize];
        if to == src {
            return false;
        }
        if src != g.root {
            if t == g.et.shortcut {
                return false;
            }
            if !self.page[src as usize] && self.page[to as usize] {
                return false;
            }
        }
        if t == g.et.internal && g.eph_flag[g.e_name[e as usize] as usize] {
            if let Some(&table) = g.ephemeron.get(&g.e_name[e as usize]) {
                if g.n_id[src as usize] == table {
                    return false; // table → value: the key decides
                }
            }
        }
        true
    }
}

impl Essential<'_> {
    #[inline]
    fn bit(&self, e: u32) -> bool {
        self.ess[e as usize >> 6] & (1u64 << (e & 63)) != 0
    }
}

impl DomGraph for Essential<'_> {
    fn len(&self) -> usize {
        self.g.node_count()
    }
    #[inline]
    fn succ_count(&self, v: u32) -> usize {
        (self.g.first_edge[v as usize + 1] - self.g.first_edge[v as usize]) as usize
    }
    #[inline]
    fn succ(&self, v: u32, i: usize) -> Option<u32> {
        let e = self.g.first_edge[v as usize] + i as u32;
        if self.bit(e) {
            Some(self.g.e_to[e as usize])
        } else {
            None
        }
    }
    #[inline]
    fn for_each_pred(&self, v: u32, mut f: impl FnMut(u32)) {
        for i in self.g.rets(v) {
            if self.bit(self.g.ret_edge[i]) {
                f(self.g.ret_src[i]);
            }
        }
    }
}
