//! Source mapping (docs/heap.md §6, §9, §12 "generic source-mapping recipe"): closures →
//! script → file, context variables → declarations, listeners, timers, collections and
//! prom-client label maps → a [`SourceAnchor`].

use std::cell::RefCell;
use std::path::{Path, PathBuf};

use rustc_hash::FxHashMap;

use super::graph::{Graph, NONE};
use super::sourcemap::SourceMap;
use super::{AnchorKind, HeapSnapshot, SourceAnchor};

/// script id → script name (URL or path), recovered through any closure with a location:
/// `closure --shared--> SharedFunctionInfo --script_or_debug_info|script--> Script` (§6).
pub(crate) fn script_names(g: &Graph) -> FxHashMap<u32, String> {
    let mut map: FxHashMap<u32, String> = FxHashMap::default();
    for l in &g.locations {
        let v = l[0];
        if g.n_type[v as usize] != g.nt.closure || map.contains_key(&l[1]) {
            continue;
        }
        let Some(sfi) = g.child(v, "shared") else {
            continue;
        };
        let Some(mut s) = g
            .child(sfi, "script_or_debug_info")
            .or_else(|| g.child(sfi, "script"))
        else {
            continue;
        };
        if g.name(s).starts_with("system / ") {
            // A DebugInfo (debugger attached) sits in between.
            match g.child(s, "script") {
                Some(x) => s = x,
                None => continue,
            }
        }
        let name = g.name(s);
        if !name.is_empty() {
            map.insert(l[1], name.to_string());
        }
    }
    map
}

/// Script name → absolute path: CommonJS absolute paths as they are, ESM `file://` URLs decoded;
/// `node:` builtins, `[eval]` and other pseudo names → `None`.
pub(crate) fn script_path(name: &str) -> Option<PathBuf> {
    if let Some(rest) = name.strip_prefix("file://") {
        let rest = rest.strip_prefix("localhost").unwrap_or(rest);
        // `%XX` escapes decoded; a `%` not followed by two hex digits stays as it is.
        let decoded = percent_encoding::percent_decode_str(rest).decode_utf8_lossy();
        return Some(PathBuf::from(decoded.into_owned()));
    }
    if name.starts_with('/')
        || (name.len() > 2
            && name.as_bytes()[1] == b':'
            && name.as_bytes()[0].is_ascii_alphabetic())
    {
        return Some(PathBuf::from(name));
    }
    None
}

/// User-land = a real file that is not inside `node_modules`.
pub(crate) fn is_userland(p: &Path) -> bool {
    !p.components().any(|c| c.as_os_str() == "node_modules")
}

/// A resolved location: absolute file, 1-based line/column.
#[derive(Clone, Debug)]
struct Loc {
    file: PathBuf,
    line: u32,
    col: u32,
}

pub(crate) struct Mapper<'a> {
    s: &'a HeapSnapshot,
    g: &'a Graph,
    project: PathBuf,
    project_canon: Option<PathBuf>,
    files: RefCell<FxHashMap<PathBuf, Option<String>>>,
    maps: RefCell<FxHashMap<PathBuf, Option<SourceMap>>>,
}

const COLLECTIONS: [&str; 4] = ["Map", "Set", "WeakMap", "WeakSet"];
const METRICS: [&str; 4] = ["Counter", "Gauge", "Histogram", "Summary"];
/// prom-client methods that take label values (`metric.inc(` …).
const METRIC_METHODS: [&str; 7] = [
    "inc(",
    "labels(",
    "observe(",
    "set(",
    "dec(",
    "startTimer(",
    "remove(",
];

impl<'a> Mapper<'a> {
    pub fn new(s: &'a HeapSnapshot, project: &Path) -> Self {
        Mapper {
            s,
            g: &s.g,
            project: project.to_path_buf(),
            project_canon: project.canonicalize().ok(),
            files: RefCell::new(FxHashMap::default()),
            maps: RefCell::new(FxHashMap::default()),
        }
    }

    /// Path relative to the project when inside it.
    pub fn rel(&self, abs: &Path) -> PathBuf {
        if let Ok(r) = abs.strip_prefix(&self.project) {
            return r.to_path_buf();
        }
        if let Some(pc) = &self.project_canon {
            if let Ok(r) = abs.strip_prefix(pc) {
                return r.to_path_buf();
            }
            if let Ok(ac) = abs.canonicalize() {
                if let Ok(r) = ac.strip_prefix(pc) {
                    return r.to_path_buf();
                }
            }
        }
        abs.to_path_buf()
    }

    /// Location of node `v` (closure definition or constructor of an object), 1-based.
    fn loc(&self, v: u32) -> Option<Loc> {
        let (script, line, col) = self.g.location(v)?;
        let file = script_path(self.s.scripts.get(&script)?)?;
        Some(Loc {
            file,
            line: line + 1,
            col: col + 1,
        })
    }

    /// Source position of a closure, project-relative and source-mapped, for a path step.
    pub fn step_position(&self, v: u32) -> Option<super::SourcePosition> {
        if self.g.n_type[v as usize] != self.g.nt.closure {
            return None;
        }
        let l = self.loc(v)?;
        let (file, line, column) =
            self.remap(&l.file, l.line, l.col)
                .unwrap_or((l.file.clone(), l.line, l.col));
        Some(super::SourcePosition {
            file: self.rel(&file),
            line,
            column,
        })
    }

    fn user_loc(&self, v: u32) -> Option<Loc> {
        self.loc(v).filter(|l| is_userland(&l.file))
    }

    /// File (and a closure position) of a `system / Context`: any retainer holding it through an
    /// `internal context` edge that has a location (closures, ESM module-body generators) (§9.1).
    fn context_loc(&self, ctx: u32) -> Option<Loc> {
        let g = self.g;
        let mut fallback = None;
        for i in g.rets(ctx) {
            let e = g.ret_edge[i];
            if !g.edge_is(e, "context") {
                continue;
            }
            if let Some(l) = self.loc(g.ret_src[i]) {
                if is_userland(&l.file) {
                    return Some(l);
                }
                fallback.get_or_insert(l);
            }
        }
        if fallback.is_some() {
            return fallback;
        }
        // ScopeInfo owner: Context --scope_info--> ScopeInfo <--name_or_scope_info-- SFI <--shared-- closure.
        let si = g.child(ctx, "scope_info")?;
        for i in g.rets(si) {
            let sfi = g.ret_src[i];
            for j in g.rets(sfi) {
                if g.edge_is(g.ret_edge[j], "shared") {
                    if let Some(l) = self.loc(g.ret_src[j]) {
                        return Some(l);
                    }
                }
            }
        }
        None
    }

    fn text(&self, file: &Path) -> Option<String> {
        let mut c = self.files.borrow_mut();
        c.entry(file.to_path_buf())
            .or_insert_with(|| super::files::read_regular(file, super::files::MAX_FILE))
            .clone()
    }

    /// First line declaring `name` (`const/let/var/function/class/import … name`), 1-based.
    fn find_decl(&self, file: &Path, name: &str) -> Option<(u32, u32)> {
        let text = self.text(file)?;
        for (ln, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            let mut from = 0;
            while let Some(p) = code[from..].find(name) {
                let at = from + p;
                from = at + name.len();
                let before = &code[..at];
                let ok_left = before
                    .chars()
                    .last()
                    .is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == '$' || c == '.'));
                let ok_right = code[at + name.len()..]
                    .chars()
                    .next()
                    .is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == '$'));
                if !ok_left || !ok_right {
                    continue;
                }
                let words: Vec<&str> = before
                    .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
                    .collect();
                if words.iter().any(|w| {
                    matches!(
                        *w,
                        "const" | "let" | "var" | "function" | "class" | "import"
                    )
                }) {
                    return Some((ln as u32 + 1, at as u32 + 1));
                }
            }
        }
        None
    }

    /// The line binding method `name` (`name.bind(`), preferring one that also names `event`:
    /// where a bound listener was registered. 1-based (line, column of the line's first code).
    fn find_bind_site(&self, file: &Path, name: &str, event: &str) -> Option<(u32, u32)> {
        if name.is_empty() {
            return None;
        }
        let text = self.text(file)?;
        let pat = format!("{name}.bind(");
        let mut first = None;
        for (ln, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            if !code.contains(&pat) {
                continue;
            }
            let col = (code.len() - code.trim_start().len()) as u32 + 1;
            if code.contains(&format!("'{event}'")) || code.contains(&format!("\"{event}\"")) {
                return Some((ln as u32 + 1, col));
            }
            first.get_or_insert((ln as u32 + 1, col));
        }
        first
    }

    /// Every line of metric `name` in `file` other than `anchor.line`, mapped like the anchor:
    /// its declaration statement (from `const name` to the bracket that closes it) and each line
    /// calling a label method on it. Sorted, deduplicated, 1-based.
    fn metric_lines(&self, file: &Path, name: &str, anchor: &SourceAnchor) -> Vec<u32> {
        let Some(text) = self.text(file) else {
            return vec![];
        };
        let mut lines: Vec<(u32, u32)> = vec![];
        if let Some((decl, col)) = self.find_decl(file, name) {
            let mut depth = 0i32;
            let mut opened = false;
            'scan: for (k, line) in text.lines().enumerate().skip(decl as usize - 1) {
                let ln = k as u32 + 1;
                lines.push((ln, if ln == decl { col } else { 1 }));
                let code = line.split("//").next().unwrap_or("");
                for ch in code.chars() {
                    match ch {
                        '(' | '[' | '{' => {
                            depth += 1;
                            opened = true;
                        }
                        ')' | ']' | '}' => depth -= 1,
                        ';' if depth <= 0 => break 'scan,
                        _ => {}
                    }
                }
                if opened && depth <= 0 {
                    break;
                }
            }
        }
        for (k, line) in text.lines().enumerate() {
            let at_word = |p: usize| {
                line[..p]
                    .chars()
                    .last()
                    .is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == '$' || c == '.'))
            };
            if let Some(p) = METRIC_METHODS
                .iter()
                .filter_map(|m| line.find(&format!("{name}.{m}")))
                .find(|&p| at_word(p))
            {
                lines.push((k as u32 + 1, p as u32 + 1));
            }
        }
        let mut out: Vec<u32> = lines
            .into_iter()
            .filter_map(|(l, c)| {
                let (f, line, _) = self.remap(file, l, c).unwrap_or((file.to_path_buf(), l, c));
                (self.rel(&f) == anchor.file && line != anchor.line).then_some(line)
            })
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// First `name.inc(` / `.labels(` / `.observe(` / `.set(` / `.dec(` / `.startTimer(` call.
    fn find_metric_call(&self, file: &Path, name: &str) -> Option<(u32, u32)> {
        let text = self.text(file)?;
        for (ln, line) in text.lines().enumerate() {
            for m in METRIC_METHODS {
                let pat = format!("{name}.{m}");
                if let Some(p) = line.find(&pat) {
                    let ok_left = line[..p]
                        .chars()
                        .last()
                        .is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == '$' || c == '.'));
                    if ok_left {
                        return Some((ln as u32 + 1, p as u32 + 1));
                    }
                }
            }
        }
        None
    }

    fn anchor_at(&self, l: &Loc, binding: Option<String>, kind: AnchorKind) -> SourceAnchor {
        self.make(&l.file, l.line, l.col, binding, kind)
    }

    /// Builds an anchor for a 1-based position in an executed file: applies the file's source
    /// map when it has one (TypeScript → `.ts` position), then makes the path project-relative.
    fn make(
        &self,
        abs: &Path,
        line: u32,
        col: u32,
        binding: Option<String>,
        kind: AnchorKind,
    ) -> SourceAnchor {
        let (file, line, column) =
            self.remap(abs, line, col)
                .unwrap_or((abs.to_path_buf(), line, col));
        SourceAnchor {
            file: self.rel(&file),
            line,
            column,
            binding,
            kind,
            also_at: vec![],
        }
    }

    fn remap(&self, abs: &Path, line: u32, col: u32) -> Option<(PathBuf, u32, u32)> {
        let mut maps = self.maps.borrow_mut();
        let m = maps
            .entry(abs.to_path_buf())
            .or_insert_with(|| self.text(abs).and_then(|t| SourceMap::for_file(abs, &t)));
        m.as_ref()?.lookup(line, col)
    }

    /// A user-land context variable on the path: (index in path, name, context location).
    fn context_vars(&self, path: &[(u32, u32)]) -> Vec<(usize, String, Loc)> {
        let g = self.g;
        let mut out = vec![];
        for i in 1..path.len() {
            let (e, _) = path[i];
            if e == NONE {
                continue;
            }
            let ctx = path[i - 1].1;
            if let Some((name, l)) = self.esm_export(path, i) {
                out.push((i, name, l));
                continue;
            }
            if let Some((name, l)) = self.commonjs_export(path, i) {
                out.push((i, name, l));
                continue;
            }
            let name = if g.e_type[e as usize] == g.et.context {
                g.str(g.e_name[e as usize]).to_string()
            } else if g.e_type[e as usize] == g.et.hidden && g.name(ctx) == "system / Context" {
                match self.block_var_name(ctx, g.e_name[e as usize]) {
                    Some(n) => n,
                    None => continue,
                }
            } else {
                continue;
            };
            if let Some(l) = self.context_loc(ctx) {
                if is_userland(&l.file) {
                    out.push((i, name, l));
                }
            }
        }
        out
    }

    /// CommonJS export: `Module --exports--> Object --<prop>--> X` (`exports.cache = cache`,
    /// `const cache = (module.exports.cache = new Map())`) or `Module --exports--> X` for
    /// `module.exports = new Map()`. The module object's `filename` names the file; the binding
    /// and position come from [`Self::export_decl`]. Returns (binding, declaration position).
    fn commonjs_export(&self, path: &[(u32, u32)], i: usize) -> Option<(String, Loc)> {
        let g = self.g;
        let (e, v) = path[i];
        let module_at =
            |k: usize| g.n_type[path[k].1 as usize] == g.nt.object && g.name(path[k].1) == "Module";
        let (module, prop) = if g.edge_is(e, "exports") && module_at(i - 1) {
            // `module.exports` is itself the held object only when it is not the plain exports
            // object (whose properties are the bindings) nor a function (whose captured
            // variables are, through its context).
            if g.name(v) == "Object" || g.n_type[v as usize] == g.nt.closure {
                return None;
            }
            (path[i - 1].1, None)
        } else if i >= 2
            && g.e_type[e as usize] == g.et.property
            && g.edge_is(path[i - 1].0, "exports")
            && module_at(i - 2)
        {
            (path[i - 2].1, Some(g.str(g.e_name[e as usize]).to_string()))
        } else {
            return None;
        };
        let file = script_path(g.name(g.child(module, "filename")?))?;
        if !is_userland(&file) {
            return None;
        }
        let (name, line, col) = self.export_decl(&file, prop.as_deref())?;
        Some((name, Loc { file, line, col }))
    }

    /// Where an exported value is declared, found in the file's text: for `exports.<prop> = ident`
    /// (also `module.exports.<prop> =`) the declaration of `ident`; else the declaration of a
    /// variable named `<prop>` (`const cache = (module.exports.cache = …)`, `module.exports =
    /// { cache }`); else the assignment itself. `prop = None` looks for `module.exports = …`.
    /// Returns (binding, 1-based line, 1-based column).
    fn export_decl(&self, file: &Path, prop: Option<&str>) -> Option<(String, u32, u32)> {
        let text = self.text(file)?;
        let target = match prop {
            Some(p) => format!("exports.{p}"),
            None => "module.exports".to_string(),
        };
        let mut assignment = None;
        for (ln, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            let Some(at) = code.find(&target) else {
                continue;
            };
            let rest = code[at + target.len()..].trim_start();
            let Some(rhs) = rest.strip_prefix('=').filter(|r| !r.starts_with('=')) else {
                continue;
            };
            let rhs = rhs.trim().trim_end_matches(';').trim_end();
            let ident = !rhs.is_empty()
                && rhs
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '$')
                && !rhs.starts_with(|c: char| c.is_ascii_digit());
            if ident {
                if let Some((l, c)) = self.find_decl(file, rhs) {
                    return Some((rhs.to_string(), l, c));
                }
            }
            assignment.get_or_insert((ln as u32 + 1, at as u32 + 1));
        }
        let binding = prop.unwrap_or("module.exports").to_string();
        if let Some(p) = prop {
            if let Some((l, c)) = self.find_decl(file, p) {
                return Some((binding, l, c));
            }
        }
        assignment.map(|(l, c)| (binding, l, c))
    }

    /// ESM exported binding (§9.2): `SourceTextModule --hidden--> [] --internal k--> system / Cell
    /// --value--> X`; the export name is the string in slot `k-1` of that table, the file is the
    /// `url` of the `ModuleWrap` earlier on the path.
    fn esm_export(&self, path: &[(u32, u32)], i: usize) -> Option<(String, Loc)> {
        let g = self.g;
        let (e, _) = path[i];
        if i < 3 || !g.edge_is(e, "value") || g.name(path[i - 1].1) != "system / Cell" {
            return None;
        }
        if g.name(path[i - 3].1) != "system / SourceTextModule" {
            return None;
        }
        let into_cell = path[i - 1].0;
        if g.e_type[into_cell as usize] != g.et.internal {
            return None;
        }
        let k: u64 = g.str(g.e_name[into_cell as usize]).parse().ok()?;
        let key = (k.checked_sub(1)?).to_string();
        let table = path[i - 2].1;
        let name_node = g
            .edges(table)
            .find(|&x| g.edge_is(x, &key))
            .map(|x| g.e_to[x as usize])?;
        if g.n_type[name_node as usize] != g.nt.string {
            return None;
        }
        let url = path[..i - 3]
            .iter()
            .rev()
            .map(|p| p.1)
            .filter(|&v| g.name(v) == "ModuleWrap")
            .find_map(|v| g.child(v, "url"))?;
        let file = script_path(g.name(url))?;
        is_userland(&file).then(|| {
            (
                g.name(name_node).to_string(),
                Loc {
                    file,
                    line: 1,
                    col: 1,
                },
            )
        })
    }

    /// Block-scope context slot `k` (a `hidden` edge with a bare index) is named by the string at
    /// `ScopeInfo --hidden k-->` (§9.1; verified on Node 20 for block, loop and catch scopes).
    fn block_var_name(&self, ctx: u32, k: u32) -> Option<String> {
        let g = self.g;
        let si = g.child(ctx, "scope_info")?;
        g.edges(si)
            .find(|&e| g.e_type[e as usize] == g.et.hidden && g.e_name[e as usize] == k)
            .map(|e| g.e_to[e as usize])
            .filter(|&t| g.n_type[t as usize] == g.nt.string)
            .map(|t| g.name(t).to_string())
    }

    fn var_anchor(&self, name: &str, ctx: &Loc, kind: AnchorKind) -> SourceAnchor {
        let (line, col) = self
            .find_decl(&ctx.file, name)
            .unwrap_or((ctx.line, ctx.col));
        self.make(&ctx.file, line, col, Some(name.to_string()), kind)
    }

    /// Listener closure reachable from `v` (a closure itself, an Array of listeners, or a
    /// `native_bind` once-wrapper with a `listener` property) (§9.4).
    fn listener_closure(&self, v: u32, depth: u32) -> Option<u32> {
        let g = self.g;
        if g.n_type[v as usize] == g.nt.closure {
            if g.name(v) == "native_bind" || g.name(v) == "bound onceWrapper" {
                if let Some(l) = g.child(v, "listener") {
                    return Some(l);
                }
            }
            // `this.onX.bind(this)`: a JSBoundFunction; its target is the `bound_function` edge
            // (bind of a bind nests, hence the depth-limited recursion).
            if let Some(target) = g.child(v, "bound_function").filter(|_| depth < 8) {
                return self.listener_closure(target, depth + 1).or(Some(v));
            }
            return Some(v);
        }
        if depth == 0 {
            return None;
        }
        // Prefer the newest (last) element.
        g.edges(v)
            .rev()
            .filter(|&e| g.e_type[e as usize] == g.et.element || g.edge_is(e, "listener"))
            .find_map(|e| {
                self.listener_closure(g.e_to[e as usize], depth - 1)
                    .filter(|&c| self.user_loc(c).is_some())
            })
    }

    fn chain_anchor_vars(&self, vars: &[(usize, String, Loc)]) -> Option<SourceAnchor> {
        for (k, (_, name, ctx)) in vars.iter().enumerate().rev() {
            if vars[..k].iter().any(|v| &v.1 == name) {
                return Some(self.var_anchor(name, ctx, AnchorKind::ContextVariable));
            }
        }
        None
    }

    /// The shared-context ("Meteor") rule alone: a user-land context variable that repeats along
    /// `path` (§12e). Used on the path to the deepest leaked object of a group, whose head may sit
    /// before the repetition starts.
    pub fn chain_anchor(&self, path: &[(u32, u32)]) -> Option<SourceAnchor> {
        self.chain_anchor_vars(&self.context_vars(path))
    }

    /// Derives the anchor for a leaked object `leaf` reached by `path` (root first), following
    /// docs/heap.md §12's recipe. Priority: timer callback, listener, metric labels,
    /// self-similar context chains (Meteor), collections, context variables, closures,
    /// constructors.
    pub fn anchor(&self, path: &[(u32, u32)], leaf: u32) -> Option<SourceAnchor> {
        let g = self.g;
        let vars = self.context_vars(path);
        let last_var_before = |i: usize| vars.iter().rev().find(|v| v.0 <= i);
        // Timer: Timeout._onTimeout (§9.5).
        let timeout = path
            .iter()
            .rev()
            .map(|p| p.1)
            .find(|&v| g.n_type[v as usize] == g.nt.object && g.name(v) == "Timeout");
        if let Some(t) = timeout.or(Some(leaf).filter(|&v| g.name(v) == "Timeout")) {
            if let Some(cb) = g.child(t, "_onTimeout") {
                if let Some(l) = self.user_loc(cb) {
                    return Some(self.anchor_at(&l, None, AnchorKind::Timer));
                }
            }
        }
        // Listener: … --_events--> Object --<event>--> closure | Array --[i]--> closure (§9.4).
        if let Some(i) = path
            .iter()
            .rposition(|&(e, _)| e != NONE && g.edge_is(e, "_events"))
        {
            if i + 1 < path.len() {
                let event = g.edge_name(path[i + 1].0);
                let cand = path[i + 1..]
                    .iter()
                    .map(|p| p.1)
                    .find(|&v| g.n_type[v as usize] == g.nt.closure);
                let cl = cand.or_else(|| self.listener_closure(path[i + 1].1, 2));
                let bound = cl.is_some_and(|c| g.child(c, "bound_function").is_some());
                let cl = cl.and_then(|c| self.listener_closure(c, 0));
                if let Some(mut l) = cl.and_then(|c| self.user_loc(c)) {
                    if bound {
                        // V8 keeps no position for a `.bind()` call: the registration is the line
                        // that binds the target method (`bus.on('x', this.onX.bind(this))`).
                        if let Some(c) = cl {
                            if let Some((line, col)) =
                                self.find_bind_site(&l.file, g.name(c), &event)
                            {
                                l = Loc {
                                    file: l.file,
                                    line,
                                    col,
                                };
                            }
                        }
                    }
                    // The variable holding the emitter, else the property naming it.
                    let binding = last_var_before(i)
                        .filter(|v| v.0 == i - 1)
                        .map(|v| v.1.clone())
                        .or_else(|| {
                            (i >= 2 && path[i - 1].0 != NONE).then(|| g.edge_name(path[i - 1].0))
                        })
                        .or_else(|| last_var_before(i).map(|v| v.1.clone()));
                    return Some(self.anchor_at(&l, binding, AnchorKind::Listener { event }));
                }
            }
        }
        // prom-client label growth: <Counter|Gauge|…> --hashMap--> (§12f).
        if let Some(i) = path
            .iter()
            .rposition(|&(e, _)| e != NONE && g.edge_is(e, "hashMap"))
        {
            let owner = path[i - 1].1;
            let class = g.name(owner).to_string();
            let lib = self
                .loc(owner)
                .map(|l| !is_userland(&l.file))
                .unwrap_or(false);
            if METRICS.contains(&class.as_str()) || lib {
                if let Some((_, name, ctx)) = last_var_before(i) {
                    let (line, col) = self
                        .find_metric_call(&ctx.file, name)
                        .or_else(|| self.find_decl(&ctx.file, name))
                        .unwrap_or((ctx.line, ctx.col));
                    let mut a = self.make(
                        &ctx.file,
                        line,
                        col,
                        Some(name.clone()),
                        AnchorKind::MetricLabels { metric: class },
                    );
                    a.also_at = self.metric_lines(&ctx.file, name, &a);
                    return Some(a);
                }
            }
        }
        // Self-similar chain: a user-land context variable repeated along the path (§12e).
        if let Some(a) = self.chain_anchor_vars(&vars) {
            return Some(a);
        }
        // Collection: a Map/Set (… --table-->) on the path, held by a user-land variable.
        if let Some(i) = path.iter().rposition(|&(_, v)| {
            COLLECTIONS.contains(&g.name(v)) && g.n_type[v as usize] == g.nt.object
        }) {
            if let Some((_, name, ctx)) = last_var_before(i) {
                let class = g.name(path[i].1).to_string();
                return Some(self.var_anchor(name, ctx, AnchorKind::Collection { class }));
            }
        }
        if let Some((i, name, ctx)) = vars.last() {
            // Variable holding an array/object that grows → collection-like.
            let held = path[*i].1;
            let kind = if held != leaf
                && g.n_type[held as usize] == g.nt.object
                && matches!(g.name(held), "Array" | "Object")
            {
                AnchorKind::Collection {
                    class: g.name(held).to_string(),
                }
            } else {
                AnchorKind::ContextVariable
            };
            return Some(self.var_anchor(name, ctx, kind));
        }
        if let Some(l) = path
            .iter()
            .rev()
            .map(|p| p.1)
            .filter(|&v| g.n_type[v as usize] == g.nt.closure)
            .find_map(|v| self.user_loc(v))
        {
            return Some(self.anchor_at(&l, None, AnchorKind::Closure));
        }
        if let Some(l) = self.user_loc(leaf) {
            let class = g.name(leaf).to_string();
            let kind = if g.n_type[leaf as usize] == g.nt.closure {
                AnchorKind::Closure
            } else {
                AnchorKind::Constructor { class }
            };
            return Some(self.anchor_at(&l, None, kind));
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_names_become_paths() {
        assert_eq!(
            script_path("file:///srv/my%20app/s%C3%A9en.mjs"),
            Some(PathBuf::from("/srv/my app/séen.mjs"))
        );
        // A `%` that starts no escape is kept.
        assert_eq!(
            script_path("file://localhost/a/100%.mjs"),
            Some(PathBuf::from("/a/100%.mjs"))
        );
        assert_eq!(
            script_path("/srv/app/users.js"),
            Some(PathBuf::from("/srv/app/users.js"))
        );
        assert_eq!(script_path("node:events"), None);
        assert_eq!(script_path("[eval]"), None);
    }
}
