//! Memoizing factories: a function that makes a `Map` per call (a local `new Map()`, or a
//! parameter's default `cache = new Map()`) and returns a closure that looks its own argument up
//! in it and sets it there (`memoize(fn)` returning `(...args) => cache.get(k) ?? cache.set(k,
//! fn(...args))`). The map lives as long as the returned closure, the factory's *product*: a
//! product kept for the process and called with keys drawn from request data is an unbounded
//! memo table over request data, like a module-level one.

use swc_atoms::Atom;

use super::cleanup::release_spans;
use super::{api, BindingId, BindingKind, CallId, FuncId, Path, Root, SemanticModel, Value};

/// Which arguments of a memo product its key is drawn from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct KeyArgs {
    /// The position (0-based) of the first argument the key is made of.
    pub index: u32,
    /// The key is drawn from a rest parameter (`(...args) => { const [key] = args; … }`): any
    /// argument from `index` on may be part of it.
    pub rest: bool,
}

impl KeyArgs {
    /// Whether argument `i` of a call of the product may be part of the key.
    pub fn covers(self, i: usize) -> bool {
        let i = i as u32;
        i == self.index || self.rest && i > self.index
    }
}

/// Where the caller of a factory may hand in its own collection instead of the default one:
/// argument `position` itself, or its property `key` (`memoize(fn, { cache: lru })`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Replaceable {
    /// The argument's position (0-based).
    pub position: u32,
    /// The property of that argument, when the parameter destructures it.
    pub key: Option<Atom>,
}

/// How one argument of a call of a factory looks, as far as [`Replaceable`] asks.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ArgShape {
    /// `undefined`: the parameter's default applies.
    Undefined,
    /// An object literal, with its keys.
    Object(Vec<Atom>),
    /// Anything else.
    Other,
}

impl Replaceable {
    /// Whether a call whose arguments look like `args` ([`arg_shapes`]) uses the default
    /// collection: it does not pass that argument (or passes `undefined`), or passes an object
    /// literal without that property.
    pub fn default_used(&self, args: &[ArgShape]) -> bool {
        match (args.get(self.position as usize), &self.key) {
            (None | Some(ArgShape::Undefined), _) => true,
            (Some(ArgShape::Object(keys)), Some(k)) => !keys.contains(k),
            _ => false,
        }
    }
}

/// The shape of each argument of `call` ([`ArgShape`]).
pub fn arg_shapes(call: &super::Call) -> Vec<ArgShape> {
    call.args
        .iter()
        .map(|a| match a {
            Value::Object(props) => {
                ArgShape::Object(props.iter().filter_map(|(k, _)| k.clone()).collect())
            }
            Value::Path(p)
                if p.props.is_empty() && matches!(&p.root, Root::Global(g) if g == "undefined") =>
            {
                ArgShape::Undefined
            }
            _ => ArgShape::Other,
        })
        .collect()
}

/// A memoizing factory of this file (see the module docs).
#[derive(Debug, Clone)]
pub struct MemoFactory {
    /// The factory.
    pub factory: FuncId,
    /// The closure it returns (the product's code).
    pub product: FuncId,
    /// The collection: a local of the factory or one of its parameters.
    pub collection: BindingId,
    /// The growth: `collection.set(key, …)` in the product.
    pub growth: CallId,
    /// Which of the product's arguments the key is drawn from.
    pub key: KeyArgs,
    /// The collection is a parameter's default, which a caller may replace.
    pub replaceable: Option<Replaceable>,
    /// The collection is handed on from the factory (stored, passed to a call): code elsewhere
    /// may reach it.
    pub escapes: bool,
}

impl SemanticModel {
    /// The memoizing factories of this file: for each `c.set(k, v)` on a `Map` `c` made by an
    /// enclosing function (a local `new Map()` or a parameter's `new Map()` default), in a
    /// closure that function returns, where the closure also looks `c` up (`get`, `has`) and
    /// `k` is drawn from the closure's own arguments, and where nothing removes entries from
    /// `c` or bounds it (`delete`, `clear`, a size check). Found on first use: the rule and the
    /// module summary both ask.
    pub fn memo_factories(&self) -> &[MemoFactory] {
        self.memo_factories
            .get_or_init(|| self.find_memo_factories())
    }

    fn find_memo_factories(&self) -> Vec<MemoFactory> {
        let mut out: Vec<MemoFactory> = Vec::new();
        for (factory, product) in self.returned_closures() {
            // The calls inside the closure (nested functions too): calls are in source order
            // of their end.
            let span = self.function(product).span;
            let first = self.calls.partition_point(|c| c.span.end < span.start);
            for (i, call) in self.calls.iter().enumerate().skip(first) {
                if call.span.end > span.end {
                    break;
                }
                // `c.set(…)` on a binding of the factory (no clone of the callee).
                let Some(callee) = &call.callee else {
                    continue;
                };
                let (Root::Binding(c), [method]) = (&callee.root, callee.props.as_slice()) else {
                    continue;
                };
                let c = *c;
                let binding = self.binding(c);
                if method != "set"
                    || binding.func != factory
                    || out.iter().any(|m| m.collection == c)
                {
                    continue;
                }
                let replaceable = match binding.kind {
                    BindingKind::Const | BindingKind::Let | BindingKind::Var => {
                        if !binding.init.as_ref().is_some_and(|v| self.is_new_map(v)) {
                            continue;
                        }
                        None
                    }
                    BindingKind::Param => {
                        let Some(d) = self
                            .param_defaults
                            .iter()
                            .find(|d| d.binding == c && self.is_new_map(&d.value))
                        else {
                            continue;
                        };
                        Some(Replaceable {
                            position: d.position,
                            key: d.key.clone(),
                        })
                    }
                    _ => continue,
                };
                let Some(key) = call.arg(0).and_then(|k| self.key_args(k, product)) else {
                    continue;
                };
                let path = Path::binding(c);
                let looked_up = self
                    .method_calls_on(&path, api::LOOKUP_METHODS)
                    .any(|(_, g)| self.is_within(g.func, product));
                if !looked_up || !release_spans(self, &path, None).is_empty() {
                    continue;
                }
                let escapes = self.escapes.iter().any(|e| e.binding == c);
                out.push(MemoFactory {
                    factory,
                    product,
                    collection: c,
                    growth: CallId::from_index(i),
                    key,
                    replaceable,
                    escapes,
                });
            }
        }
        out
    }

    /// `(factory, closure)` for each function that returns a function written inside it: as
    /// written (`return (...args) => …`, an arrow's expression body) or through the binding
    /// naming it (`const memoized = …; return memoized`). Each pair once, in source order of
    /// the returns.
    fn returned_closures(&self) -> Vec<(FuncId, FuncId)> {
        let mut out: Vec<(FuncId, FuncId)> = Vec::new();
        let direct = self
            .returned_funcs
            .iter()
            .filter(|&&(f, g)| self.function(g).parent == Some(f))
            .copied();
        let named = self.returns.iter().filter_map(|(f, p)| {
            if !p.props.is_empty() {
                return None;
            }
            let g = self.binding(p.root_binding()?).func_value?;
            (self.function(g).parent == Some(*f)).then_some((*f, g))
        });
        for pair in direct.chain(named) {
            if !out.contains(&pair) {
                out.push(pair);
            }
        }
        out
    }

    /// Whether `v` is `new Map()`.
    fn is_new_map(&self, v: &Value) -> bool {
        self.constructed_global(v).is_some_and(|g| g == "Map")
    }

    /// Which arguments of `product` the key `key` is drawn from: one of its parameters, a local
    /// of it taken from one (`const [key] = args`), or a call made of them
    /// (`JSON.stringify(args)`). `None` when the key is drawn from nothing the caller hands in.
    fn key_args(&self, key: &Value, product: FuncId) -> Option<KeyArgs> {
        let mut paths = Vec::new();
        self.key_paths(key, &mut paths, 0);
        let func = self.function(product);
        let last = func.params.len().checked_sub(1)?;
        for p in &paths {
            let Root::Binding(mut b) = p.root else {
                continue;
            };
            // A local of the product taken from a parameter.
            let binding = self.binding(b);
            if binding.kind != BindingKind::Param && binding.func == product {
                let mut inner = Vec::new();
                if let Some(init) = &binding.init {
                    self.key_paths(init, &mut inner, 0);
                }
                match inner.iter().find_map(|q| q.root_binding()) {
                    Some(q) => b = q,
                    None => continue,
                }
            }
            if let Some(i) = func.params.iter().position(|&q| q == b) {
                return Some(KeyArgs {
                    index: i as u32,
                    rest: func.rest && i == last,
                });
            }
        }
        None
    }

    /// The paths `v` mentions, and those of the arguments of a call it is (one level deep:
    /// `JSON.stringify(args)`).
    fn key_paths(&self, v: &Value, out: &mut Vec<Path>, depth: u32) {
        match v {
            Value::Call(c) if depth == 0 => self.calls[c.index()]
                .args
                .iter()
                .for_each(|a| self.key_paths(a, out, depth + 1)),
            v => v.mentioned_paths(out),
        }
    }
}

/// What the project pass tells a module about a product of one of its exported memoizing
/// factories that another module keeps for the process and calls with request data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedMemoUse {
    /// The factory's export name.
    pub factory: Atom,
    /// The product's name in the other module.
    pub product: Atom,
    /// The other module, as the walk found it.
    pub file: String,
    /// Where the product is declared there.
    pub declared: crate::source::PositionRange,
    /// Where it is called with request data.
    pub call: crate::source::PositionRange,
    /// The request data the key is drawn from (`req.url`).
    pub request: String,
    /// How often that call runs, in the words of the findings ("on every request").
    pub why: String,
}

impl SemanticModel {
    /// The first product of this module's memoizing factory exported as one of `names` that
    /// another module keeps and calls with request data, as the project pass found them; `None`
    /// when there is none (always for a file linted alone).
    pub fn imported_memo_use(&self, names: &[Atom]) -> Option<&ImportedMemoUse> {
        self.project
            .memo_uses
            .iter()
            .find(|u| names.contains(&u.factory))
    }
}
