//! Decoding of a V8 heap snapshot's JSON (docs/heap.md §1–§6: file layout, `snapshot.meta`,
//! nodes, edges, strings, locations) into flat columns, checked against the header.
//!
//! Only the small `snapshot` header object is handed to `serde_json`; the big arrays go through
//! [`Scanner`]. Every field is looked up by name in `snapshot.meta` (never by position). Keys may
//! appear in any order; when `nodes` or `edges` arrive before `snapshot` they are buffered raw
//! and decoded afterwards. The retainer index is built on a second thread as soon as nodes and
//! edges are complete, while `locations` and `strings` are still being read.

use serde::Deserialize;

use super::index::{build_index, Index};
use super::json::{show, ScanError, ScanResult, Scanner, UintSink};

/// Decoded, validated, but not yet indexed contents of a snapshot file.
pub(super) struct Parsed {
    pub node_types: Vec<String>,
    pub edge_types: Vec<String>,
    pub n_type: Vec<u8>,
    pub n_name: Vec<u32>,
    pub n_id: Vec<u64>,
    pub n_size: Vec<u64>,
    pub n_edge_count: Vec<u32>,
    pub e_type: Vec<u8>,
    pub e_name: Vec<u32>,
    /// Edge target as node *ordinal* (the file stores node offsets = ordinal × node field count).
    pub e_to: Vec<u32>,
    /// (node ordinal, script id, line, column), 0-based line/column as stored (§6).
    pub locations: Vec<[u32; 4]>,
    pub str_data: String,
    pub str_offs: Vec<u32>,
    pub root: u32,
    /// First-edge/retainer index, built on a second thread while `locations`/`strings` parse.
    pub index: Option<Index>,
}

#[derive(Deserialize)]
struct Header {
    meta: Meta,
    node_count: u64,
    edge_count: u64,
    #[serde(default)]
    root_index: Option<u64>,
}

#[derive(Deserialize)]
struct Meta {
    node_fields: Vec<String>,
    node_types: Vec<serde_json::Value>,
    edge_fields: Vec<String>,
    edge_types: Vec<serde_json::Value>,
    #[serde(default)]
    location_fields: Vec<String>,
}

/// Field positions resolved from `snapshot.meta`.
struct Layout {
    nf: usize,
    f_type: usize,
    f_name: usize,
    f_id: usize,
    f_size: usize,
    f_ecount: usize,
    ef: usize,
    e_type: usize,
    e_name: usize,
    e_to: usize,
    lf: usize,
    l_obj: usize,
    l_script: usize,
    l_line: usize,
    l_col: usize,
    node_types: Vec<String>,
    edge_types: Vec<String>,
    node_count: u64,
    edge_count: u64,
    root_index: u64,
    /// An upper bound of the decoded input's size in bytes, which bounds what is reserved up
    /// front: a header may claim any count, the file can only hold so many values.
    input_bytes: u64,
}

fn field(fields: &[String], name: &str) -> Result<usize, String> {
    fields
        .iter()
        .position(|f| f == name)
        .ok_or_else(|| format!("snapshot.meta lacks the field `{name}` (fields: {fields:?})"))
}

fn enum_list(types: &[serde_json::Value], idx: usize, what: &str) -> Result<Vec<String>, String> {
    let list = types
        .get(idx)
        .and_then(|v| v.as_array())
        .ok_or_else(|| format!("snapshot.meta.{what}[{idx}] is not a list of type names"))?;
    let out: Vec<String> = list
        .iter()
        .map(|v| v.as_str().unwrap_or("").to_string())
        .collect();
    if out.len() > 255 {
        return Err(format!("snapshot.meta.{what} has more than 255 types"));
    }
    // Types are looked up by name: a name listed twice would give one kind two numbers, and the
    // second would be read as another kind (an element index as a string index).
    for (i, t) in out.iter().enumerate() {
        if out[..i].contains(t) {
            return Err(format!("snapshot.meta.{what} lists the type {t:?} twice"));
        }
    }
    Ok(out)
}

impl Layout {
    fn from_header(h: Header) -> Result<Layout, String> {
        let m = &h.meta;
        let f_type = field(&m.node_fields, "type")?;
        let e_type = field(&m.edge_fields, "type")?;
        let node_types = enum_list(&m.node_types, f_type, "node_types")?;
        let edge_types = enum_list(&m.edge_types, e_type, "edge_types")?;
        let (lf, l_obj, l_script, l_line, l_col) = if m.location_fields.is_empty() {
            (4, 0, 1, 2, 3)
        } else {
            let lf = &m.location_fields;
            (
                lf.len(),
                field(lf, "object_index")?,
                field(lf, "script_id")?,
                field(lf, "line")?,
                field(lf, "column")?,
            )
        };
        let nf = m.node_fields.len();
        if nf > MAX_FIELDS || m.edge_fields.len() > MAX_FIELDS || lf > MAX_FIELDS {
            return Err(format!(
                "snapshot.meta has more than {MAX_FIELDS} fields per record"
            ));
        }
        if h.node_count >= u32::MAX as u64 {
            return Err(format!("node_count {} is too large", h.node_count));
        }
        if h.edge_count >= u32::MAX as u64 {
            return Err(format!(
                "edge_count {} is too large (max 2^32-1 edges)",
                h.edge_count
            ));
        }
        Ok(Layout {
            nf,
            f_type,
            f_name: field(&m.node_fields, "name")?,
            f_id: field(&m.node_fields, "id")?,
            f_size: field(&m.node_fields, "self_size")?,
            f_ecount: field(&m.node_fields, "edge_count")?,
            ef: m.edge_fields.len(),
            e_type,
            e_name: field(&m.edge_fields, "name_or_index")?,
            e_to: field(&m.edge_fields, "to_node")?,
            lf,
            l_obj,
            l_script,
            l_line,
            l_col,
            node_types,
            edge_types,
            node_count: h.node_count,
            edge_count: h.edge_count,
            root_index: h.root_index.unwrap_or(0),
            input_bytes: u64::MAX,
        })
    }
}

/// Per-array decoders: they turn the flat value stream into struct-of-arrays columns.
#[derive(Default)]
struct Cols {
    n_type: Vec<u8>,
    n_name: Vec<u32>,
    n_id: Vec<u64>,
    n_size: Vec<u64>,
    n_ecount: Vec<u32>,
    e_type: Vec<u8>,
    e_name: Vec<u32>,
    e_to: Vec<u32>,
    locations: Vec<[u32; 4]>,
}

fn to_u32(v: u64, what: &str) -> Result<u32, String> {
    u32::try_from(v).map_err(|_| format!("{what} {v} does not fit in 32 bits"))
}

/// Most fields per record we accept (V8 has 7 node, 3 edge, 4 location fields).
const MAX_FIELDS: usize = 32;

/// Buffers the raw array when it arrives before `snapshot.meta`.
struct RawSink(Vec<u64>);

impl UintSink for RawSink {
    #[inline(always)]
    fn put(&mut self, _: u64, v: u64) -> Result<(), String> {
        self.0.push(v);
        Ok(())
    }
}

/// Decodes `nodes` records into columns (fields by name from `snapshot.meta`).
struct NodeSink<'a> {
    l: &'a Layout,
    c: &'a mut Cols,
    rec: [u64; MAX_FIELDS],
    f: usize,
    ntypes: u64,
    max_values: u64,
}

impl<'a> NodeSink<'a> {
    fn new(l: &'a Layout, c: &'a mut Cols) -> Self {
        // Each value takes at least two bytes of JSON (a digit and a comma).
        let fits = l.input_bytes / (2 * l.nf as u64);
        let cap = l.node_count.min(fits).min(1 << 28) as usize;
        c.n_type.reserve(cap);
        c.n_name.reserve(cap);
        c.n_id.reserve(cap);
        c.n_size.reserve(cap);
        c.n_ecount.reserve(cap);
        NodeSink {
            l,
            c,
            rec: [0; MAX_FIELDS],
            f: 0,
            ntypes: l.node_types.len() as u64,
            max_values: l.node_count * l.nf as u64,
        }
    }
}

impl UintSink for NodeSink<'_> {
    #[inline(always)]
    fn put(&mut self, i: u64, v: u64) -> Result<(), String> {
        if i >= self.max_values {
            return Err(format!(
                "more node values than node_count {} × {} fields",
                self.l.node_count, self.l.nf
            ));
        }
        self.rec[self.f] = v;
        self.f += 1;
        if self.f == self.l.nf {
            self.f = 0;
            let (l, r) = (self.l, &self.rec);
            let t = r[l.f_type];
            if t >= self.ntypes {
                return Err(format!("node type {t} is not in snapshot.meta.node_types"));
            }
            self.c.n_type.push(t as u8);
            self.c.n_name.push(to_u32(r[l.f_name], "node name index")?);
            self.c.n_id.push(r[l.f_id]);
            self.c.n_size.push(r[l.f_size]);
            self.c.n_ecount.push(to_u32(r[l.f_ecount], "edge_count")?);
        }
        Ok(())
    }
}

/// Decodes `edges` records; `to_node` offsets become node ordinals.
struct EdgeSink<'a> {
    l: &'a Layout,
    c: &'a mut Cols,
    rec: [u64; MAX_FIELDS],
    f: usize,
    etypes: u64,
    max_values: u64,
}

impl<'a> EdgeSink<'a> {
    fn new(l: &'a Layout, c: &'a mut Cols) -> Self {
        let fits = l.input_bytes / (2 * l.ef as u64);
        let cap = l.edge_count.min(fits).min(1 << 30) as usize;
        c.e_type.reserve(cap);
        c.e_name.reserve(cap);
        c.e_to.reserve(cap);
        EdgeSink {
            l,
            c,
            rec: [0; MAX_FIELDS],
            f: 0,
            etypes: l.edge_types.len() as u64,
            max_values: l.edge_count * l.ef as u64,
        }
    }
}

impl UintSink for EdgeSink<'_> {
    #[inline(always)]
    fn put(&mut self, i: u64, v: u64) -> Result<(), String> {
        if i >= self.max_values {
            return Err(format!(
                "more edge values than edge_count {} × {} fields",
                self.l.edge_count, self.l.ef
            ));
        }
        self.rec[self.f] = v;
        self.f += 1;
        if self.f == self.l.ef {
            self.f = 0;
            let (l, r) = (self.l, &self.rec);
            let t = r[l.e_type];
            if t >= self.etypes {
                return Err(format!("edge type {t} is not in snapshot.meta.edge_types"));
            }
            let to = r[l.e_to];
            let nf = l.nf as u64;
            // One 32-bit division (offsets < 2^32 in practice); the check catches the rest.
            let q = if to <= u32::MAX as u64 {
                (to as u32 / l.nf as u32) as u64
            } else {
                to / nf
            };
            if q * nf != to || q >= l.node_count {
                return Err(format!(
                    "edge to_node {to} is not a valid node offset (multiple of {nf}, < {})",
                    l.node_count * nf
                ));
            }
            self.c.e_type.push(t as u8);
            self.c
                .e_name
                .push(to_u32(r[l.e_name], "edge name_or_index")?);
            self.c.e_to.push(q as u32);
        }
        Ok(())
    }
}

/// Decodes `locations` records into (node ordinal, script id, line, column).
struct LocSink<'a> {
    l: &'a Layout,
    c: &'a mut Cols,
    rec: [u64; MAX_FIELDS],
    f: usize,
}

impl UintSink for LocSink<'_> {
    #[inline(always)]
    fn put(&mut self, _: u64, v: u64) -> Result<(), String> {
        self.rec[self.f] = v;
        self.f += 1;
        if self.f == self.l.lf {
            self.f = 0;
            let (l, r) = (self.l, &self.rec);
            let nf = l.nf as u64;
            let obj = r[l.l_obj];
            if obj % nf != 0 || obj / nf >= l.node_count {
                return Err(format!(
                    "location object_index {obj} is not a valid node offset"
                ));
            }
            self.c.locations.push([
                (obj / nf) as u32,
                to_u32(r[l.l_script], "script_id")?,
                to_u32(r[l.l_line], "line")?,
                to_u32(r[l.l_col], "column")?,
            ]);
        }
        Ok(())
    }
}

fn replay(raw: &[u64], sink: &mut impl UintSink) -> Result<(), String> {
    for (i, &v) in raw.iter().enumerate() {
        sink.put(i as u64, v)?;
    }
    Ok(())
}

/// Background job building the retainer index: gives back (edge counts, edge targets, index).
type IndexJob = std::thread::JoinHandle<(Vec<u32>, Vec<u32>, Index)>;

/// Decodes a whole snapshot from `s`. `input_bytes` is an upper bound of the decoded input's size,
/// which bounds what is reserved up front (a header may claim any count).
///
/// # Errors
/// Malformed, truncated or inconsistent input, with the offset where it was detected.
pub(super) fn decode(s: &mut Scanner, input_bytes: u64) -> ScanResult<Parsed> {
    s.skip_ws()?;
    match s.peek()? {
        None => return s.err("empty file: not a heap snapshot"),
        Some(b'{') => s.pos += 1,
        Some(c) => {
            return s.err(format!(
                "not a heap snapshot: expected a JSON object starting with '{{', found {}",
                show(c)
            ))
        }
    }
    let mut layout: Option<Layout> = None;
    let mut cols = Cols::default();
    let mut raw_nodes: Option<Vec<u64>> = None;
    let mut raw_edges: Option<Vec<u64>> = None;
    let mut raw_locs: Option<Vec<u64>> = None;
    let mut have_nodes = false;
    let mut have_edges = false;
    let mut have_strings = false;
    let mut str_data = String::new();
    let mut str_offs = Vec::new();
    let mut first = true;
    let mut seen_keys: Vec<String> = Vec::new();
    let mut pending: Option<IndexJob> = None;
    loop {
        s.skip_ws()?;
        match s.peek()? {
            Some(b'}') => {
                s.pos += 1;
                break;
            }
            Some(b',') if !first => s.pos += 1,
            Some(c) if first => {
                if c != b'"' {
                    return s.err(format!("expected a key, found {}", show(c)));
                }
            }
            Some(c) => {
                return s.err(format!(
                    "expected ',' or '}}' after a top-level value, found {}",
                    show(c)
                ))
            }
            None => return s.eof_err("top-level object"),
        }
        first = false;
        let key_off = s.off();
        let key = s.key()?;
        // A repeated key would decode its array twice into the same columns, or change the
        // layout under arrays already decoded.
        if seen_keys.contains(&key) {
            return Err(ScanError::new(
                key_off,
                format!("the key `{key}` appears twice in the snapshot object"),
            ));
        }
        seen_keys.push(key.clone());
        let t_key = std::time::Instant::now();
        s.expect(b':', "top-level object")?;
        s.skip_ws()?;
        let value_off = s.off();
        match key.as_str() {
            "snapshot" => {
                let mut raw = Vec::new();
                s.raw_value(Some(&mut raw), "snapshot header")?;
                let h: Header = serde_json::from_slice(&raw).map_err(|e| {
                    ScanError::new(value_off, format!("invalid `snapshot` header: {e}"))
                })?;
                let mut l = Layout::from_header(h).map_err(|m| ScanError::new(value_off, m))?;
                l.input_bytes = input_bytes;
                // Decode arrays that came before the header.
                if let Some(raw) = raw_nodes.take() {
                    replay(&raw, &mut NodeSink::new(&l, &mut cols))
                        .map_err(|m| ScanError::new(value_off, m))?;
                }
                if let Some(raw) = raw_edges.take() {
                    replay(&raw, &mut EdgeSink::new(&l, &mut cols))
                        .map_err(|m| ScanError::new(value_off, m))?;
                }
                if let Some(raw) = raw_locs.take() {
                    replay(
                        &raw,
                        &mut LocSink {
                            l: &l,
                            c: &mut cols,
                            rec: [0; MAX_FIELDS],
                            f: 0,
                        },
                    )
                    .map_err(|m| ScanError::new(value_off, m))?;
                }
                layout = Some(l);
            }
            "nodes" => {
                have_nodes = true;
                match &layout {
                    Some(l) => {
                        s.uint_array("nodes array", &mut NodeSink::new(l, &mut cols))?;
                    }
                    None => {
                        let mut v = RawSink(Vec::new());
                        s.uint_array("nodes array", &mut v)?;
                        raw_nodes = Some(v.0);
                    }
                }
            }
            "edges" => {
                have_edges = true;
                match &layout {
                    Some(l) => {
                        s.uint_array("edges array", &mut EdgeSink::new(l, &mut cols))?;
                    }
                    None => {
                        let mut v = RawSink(Vec::new());
                        s.uint_array("edges array", &mut v)?;
                        raw_edges = Some(v.0);
                    }
                }
            }
            "locations" => match &layout {
                Some(l) => {
                    s.uint_array(
                        "locations array",
                        &mut LocSink {
                            l,
                            c: &mut cols,
                            rec: [0; MAX_FIELDS],
                            f: 0,
                        },
                    )?;
                }
                None => {
                    let mut v = RawSink(Vec::new());
                    s.uint_array("locations array", &mut v)?;
                    raw_locs = Some(v.0);
                }
            },
            "strings" => {
                have_strings = true;
                s.string_array(&mut str_data, &mut str_offs)?;
            }
            _ => s.raw_value(None, &format!("`{key}`"))?,
        }
        if super::input::tracing() {
            eprintln!("parse `{key}`: {:.2?}", t_key.elapsed());
        }
        if pending.is_none() {
            if let Some(l) = &layout {
                let complete = cols.n_ecount.len() as u64 == l.node_count
                    && cols.e_to.len() as u64 == l.edge_count
                    && cols.n_ecount.iter().map(|&c| c as u64).sum::<u64>() == l.edge_count;
                if complete && have_nodes && have_edges {
                    let ec = std::mem::take(&mut cols.n_ecount);
                    let et = std::mem::take(&mut cols.e_to);
                    pending = Some(std::thread::spawn(move || {
                        let ix = build_index(&ec, &et);
                        (ec, et, ix)
                    }));
                }
            }
        }
    }
    s.skip_ws()?;
    if let Some(c) = s.peek()? {
        return s.err(format!(
            "trailing data after the snapshot object: {}",
            show(c)
        ));
    }
    let end = s.off();
    let mut index = None;
    if let Some(h) = pending {
        let (ec, et, ix) = h
            .join()
            .map_err(|_| ScanError::new(end, "internal error while indexing edges"))?;
        cols.n_ecount = ec;
        cols.e_to = et;
        index = Some(ix);
    }
    let at = |m: String| ScanError::new(end, m);
    let l = layout
        .ok_or_else(|| at("not a heap snapshot: no `snapshot` header (snapshot.meta)".into()))?;
    if !have_nodes || !have_edges || !have_strings {
        let missing: Vec<&str> = [
            ("nodes", have_nodes),
            ("edges", have_edges),
            ("strings", have_strings),
        ]
        .iter()
        .filter(|(_, h)| !h)
        .map(|(k, _)| *k)
        .collect();
        return Err(at(format!(
            "not a complete heap snapshot: missing {}",
            missing.join(", ")
        )));
    }
    let n = cols.n_type.len();
    if n as u64 != l.node_count || cols.n_ecount.len() != n || cols.n_id.len() != n {
        return Err(at(format!(
            "nodes array holds {} complete nodes but snapshot.node_count is {}",
            cols.n_ecount.len().min(n),
            l.node_count
        )));
    }
    if cols.e_to.len() as u64 != l.edge_count || cols.e_type.len() != cols.e_to.len() {
        return Err(at(format!(
            "edges array holds {} complete edges but snapshot.edge_count is {}",
            cols.e_to.len(),
            l.edge_count
        )));
    }
    let sum: u64 = cols.n_ecount.iter().map(|&c| c as u64).sum();
    if sum != l.edge_count {
        return Err(at(format!(
            "sum of node edge_count fields is {sum}, snapshot.edge_count is {}",
            l.edge_count
        )));
    }
    let nstr = str_offs.len().saturating_sub(1) as u64;
    if let Some(bad) = cols.n_name.iter().find(|&&x| x as u64 >= nstr) {
        return Err(at(format!(
            "node name index {bad} is outside the strings array ({nstr} strings)"
        )));
    }
    // name_or_index is a string index except for element/hidden edges (§4).
    let numeric: Vec<bool> = l
        .edge_types
        .iter()
        .map(|t| t == "element" || t == "hidden")
        .collect();
    for (t, &nm) in cols.e_type.iter().zip(cols.e_name.iter()) {
        if !numeric[*t as usize] && nm as u64 >= nstr {
            return Err(at(format!(
                "edge name index {nm} is outside the strings array ({nstr} strings)"
            )));
        }
    }
    if n == 0 {
        return Err(at("heap snapshot has no nodes".into()));
    }
    // DevTools: `root_index` is a node offset into the nodes array; V8 always uses 0.
    if l.root_index % l.nf as u64 != 0 || l.root_index / l.nf as u64 >= l.node_count {
        return Err(at(format!(
            "snapshot.root_index {} is not a node offset",
            l.root_index
        )));
    }
    let root = (l.root_index / l.nf as u64) as u32;
    if !cols.locations.is_sorted_by_key(|x| x[0]) {
        cols.locations.sort_unstable_by_key(|x| x[0]);
    }
    Ok(Parsed {
        node_types: l.node_types,
        edge_types: l.edge_types,
        n_type: cols.n_type,
        n_name: cols.n_name,
        n_id: cols.n_id,
        n_size: cols.n_size,
        n_edge_count: cols.n_ecount,
        e_type: cols.e_type,
        e_name: cols.e_name,
        e_to: cols.e_to,
        locations: cols.locations,
        str_data,
        str_offs,
        root,
        index,
    })
}
