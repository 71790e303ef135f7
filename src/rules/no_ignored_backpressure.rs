//! `no-ignored-backpressure`: `writable.write()` in a `'data'` listener or a loop whose `false`
//! result is ignored (or only logged), with no `pause()`, `'drain'` wait, `pipe` or `pipeline`
//! nearby (rules/no-ignored-backpressure.md).

use super::{Rule, RuleContext, RuleMeta};
use crate::diagnostic::{Confidence, Diagnostic, Severity};
use crate::semantic::{Call, FuncId, FuncUse, Path, ResultUse, Root, SemanticModel, Value};

/// The rule.
pub struct NoIgnoredBackpressure;

static META: RuleMeta = RuleMeta {
    name: "no-ignored-backpressure",
    summary: "stream.write() in a 'data' listener or loop that ignores backpressure, so data piles up in memory",
    default_severity: Severity::Error,
    doc: include_str!("../../rules/no-ignored-backpressure.md"),
};

/// Calls that show the code handles backpressure: pausing the source, waiting for `'drain'`,
/// or letting Node do it.
const FLOW_CONTROL: &[&str] = &["pause", "pipe", "pipeline", "cork"];

/// The `'data'` listener that function `f` is (or is nested in, up to `stop`), if any.
fn data_listener(model: &SemanticModel, f: FuncId) -> Option<FuncId> {
    let mut cur = Some(f);
    while let Some(c) = cur {
        for u in &model.function(c).uses {
            if let FuncUse::Argument { call, index: 1 } = u {
                let call = &model.calls[call.index()];
                if matches!(
                    call.method().map(|m| m.as_str()),
                    Some("on" | "addListener")
                ) && call.arg(0).and_then(|v| v.as_str()) == Some("data")
                {
                    return Some(c);
                }
            }
        }
        cur = model.function(c).parent;
    }
    None
}

/// Whether a stream-ish value sits at `p`: created by a `create…Stream`/`new …Stream|Writable`
/// call, or named like one.
fn looks_like_stream(model: &SemanticModel, p: &Path) -> bool {
    let name = match (&p.root, p.props.last()) {
        (_, Some(last)) => last.to_string(),
        (Root::Binding(b), None) => {
            let binding = model.binding(*b);
            if let Some(Value::Call(c)) = &binding.init {
                let callee = model.calls[c.index()]
                    .callee
                    .as_ref()
                    .and_then(|cp| model.callee_name(cp))
                    .map(|a| a.to_string())
                    .unwrap_or_default();
                if callee.ends_with("Stream")
                    || matches!(
                        callee.as_str(),
                        "Writable"
                            | "PassThrough"
                            | "Transform"
                            | "Duplex"
                            | "connect"
                            | "createConnection"
                    )
                {
                    return true;
                }
            }
            binding.name.to_string()
        }
        _ => return false,
    };
    let lower = name.to_ascii_lowercase();
    [
        "stream", "writer", "writable", "socket", "sock", "dest", "sink", "file", "out",
    ]
    .iter()
    .any(|w| lower.contains(w))
}

/// Whether code in function `outer` (or nested in it) handles flow control.
fn handles_flow(model: &SemanticModel, outer: FuncId) -> bool {
    model.calls.iter().any(|c| {
        if !model.is_within(c.func, outer) {
            return false;
        }
        let m = c
            .callee
            .as_ref()
            .and_then(|p| model.callee_name(p))
            .map(|a| a.to_string())
            .unwrap_or_default();
        FLOW_CONTROL.contains(&m.as_str())
            || (matches!(m.as_str(), "once" | "on")
                && c.args.iter().any(|a| a.as_str() == Some("drain")))
    })
}

/// Whether the written `value` passes on what the 'data' listener `l` received (the chunk, or a
/// transform of it), as opposed to a message composed here (a literal, a template, a
/// concatenation, or a local holding one): a composed reply per message is paced by the peer.
fn passes_data_on(model: &SemanticModel, value: &Value, l: FuncId) -> bool {
    let received = |p: &Path| {
        p.root_binding().is_some_and(|b| {
            let binding = model.binding(b);
            binding.kind == crate::semantic::BindingKind::Param && binding.func == l
        })
    };
    // `chunk + '\n'` still passes the chunk on; `${Number(port)} : USERID` is composed.
    let composed = |v: &Value| match v {
        Value::Str(_) | Value::Num(_) | Value::Bool(_) | Value::OtherLiteral => true,
        Value::Expr(paths) => !paths.iter().any(received),
        _ => false,
    };
    if composed(value) {
        return false;
    }
    if let Value::Path(p) = value {
        let local_init = p
            .root_binding()
            .filter(|_| p.props.is_empty())
            .and_then(|b| model.binding(b).init.as_ref());
        if local_init.is_some_and(composed) {
            return false;
        }
    }
    carries_data(model, value, l, 0)
}

/// Whether `value` is made from what the 'data' listener `l` received: it mentions one of the
/// parameters of `l` (or of a function inside it), directly or through locals declared inside
/// `l` (`const line = chunk.toString()`), at most 4 steps deep.
fn carries_data(model: &SemanticModel, value: &Value, l: FuncId, depth: u32) -> bool {
    if depth > 4 {
        return false;
    }
    let path_carries = |p: &Path| {
        let Some(b) = p.root_binding() else {
            return false;
        };
        let binding = model.binding(b);
        if !model.is_within(binding.func, l) {
            return false;
        }
        binding.kind == crate::semantic::BindingKind::Param
            || binding
                .init
                .as_ref()
                .is_some_and(|init| carries_data(model, init, l, depth + 1))
    };
    match value {
        Value::Path(p) => path_carries(p),
        Value::Expr(paths) => paths.iter().any(path_carries),
        Value::Call(c) => {
            let call = &model.calls[c.index()];
            call.callee.as_ref().is_some_and(|p| path_carries(&p.parent()))
                || call.args.iter().any(|a| carries_data(model, a, l, depth + 1))
                // `chunk.toString().trim()`: the receiver is the inner call, which starts where
                // this one does.
                || model.calls[..c.index()].iter().enumerate().rev().take(8).any(|(i, inner)| {
                    inner.span.start == call.span.start
                        && inner.span.end < call.span.end
                        && carries_data(model, &Value::Call(crate::semantic::CallId::from_index(i)), l, depth + 1)
                })
        }
        Value::Object(props) => props
            .iter()
            .any(|(_, v)| carries_data(model, v, l, depth + 1)),
        Value::Array(items) => items.iter().any(|v| carries_data(model, v, l, depth + 1)),
        _ => false,
    }
}

fn result_is_acted_on(call: &Call) -> bool {
    // `if (!w.write(x)) await once(w, 'drain')` and `return w.write(x)` hand the result on; a
    // stored result is judged by whether the function waits for 'drain' or pauses.
    !matches!(call.result, ResultUse::Discarded | ResultUse::Declared(_))
}

impl Rule for NoIgnoredBackpressure {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let model = ctx.model;
        for call in &model.calls {
            if call.method().map(|m| m.as_str()) != Some("write")
                || call.args.is_empty()
                || call.args.len() > 3
            {
                continue;
            }
            let Some(receiver) = call.receiver() else {
                continue;
            };
            let text = receiver.display(model).to_string();
            if matches!(text.as_str(), "process.stdout" | "process.stderr")
                || receiver.root == Root::Unknown
            {
                continue;
            }
            if result_is_acted_on(call) || call.awaited {
                continue;
            }
            let (context, outer) = match data_listener(model, call.func) {
                // A reply made per message (a handshake line, an ident answer) is paced by the
                // peer; what outruns the destination is the received data passed on.
                Some(l) if !call.args.iter().any(|a| passes_data_on(model, a, l)) => continue,
                Some(l) => (
                    "in a 'data' listener",
                    model.function(l).parent.unwrap_or(l),
                ),
                None if call.in_loop && looks_like_stream(model, &receiver) => {
                    ("in a loop", call.func)
                }
                None => continue,
            };
            if handles_flow(model, outer) {
                continue;
            }
            let what = if matches!(call.result, ResultUse::Declared(_)) {
                "its result is only checked, never acted on"
            } else {
                "its result is ignored"
            };
            out.push(
                ctx.report(call.callee_span, format!("`{text}.write()` {context}: {what}, so when `{text}` is slower than its source the data piles up in memory"))
                    .with_confidence(Confidence::Medium)
                    .with_help("use `await pipeline(source, destination)` from `node:stream/promises`, or pause the source when `write()` returns false and resume it on 'drain'"),
            );
        }
    }
}
