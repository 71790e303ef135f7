//! Wording shared by the rules (`src/rules/`): how often code runs, and whether a value comes from
//! a request. Kept outside `src/rules/` so that directory holds exactly one file per rule.

use crate::diagnostic::{ByteSpan, Confidence, ElsewhereLabel, RepetitionSites};
use crate::semantic::{Frequency, Path, Repeat, Root, SemanticModel};

/// A phrase for how often a function runs ("on every request") and the places that make it so,
/// for secondary labels: the registration in this file, or the use in another module that the
/// whole-project pass followed (with the registration there).
pub fn how_often(model: &SemanticModel, freq: &Frequency) -> (String, RepetitionSites) {
    match freq {
        Frequency::Once => ("once".into(), RepetitionSites::default()),
        Frequency::Unknown => (
            "each time this function is called".into(),
            RepetitionSites::default(),
        ),
        Frequency::Repeated(r) => repeat_phrase(model, r),
    }
}

fn repeat_phrase(model: &SemanticModel, r: &Repeat) -> (String, RepetitionSites) {
    let (phrase, here) = repeat_phrase_here(model, r);
    let mut sites = RepetitionSites {
        here,
        elsewhere: Vec::new(),
    };
    if let (_, Repeat::Project(u)) = r.origin_of(crate::semantic::MODULE) {
        sites.elsewhere.push(ElsewhereLabel {
            path: u.file.clone(),
            range: u.at,
            message: format!("used here, {}", u.why),
        });
        if let Some((range, message)) = &u.registration {
            sites.elsewhere.push(ElsewhereLabel {
                path: u.file.clone(),
                range: *range,
                message: message.clone(),
            });
        }
    }
    (phrase, sites)
}

fn repeat_phrase_here(model: &SemanticModel, r: &Repeat) -> (String, Option<(ByteSpan, String)>) {
    let at = |c: &crate::semantic::CallId, what: &str| {
        Some((model.calls[c.index()].callee_span, what.to_string()))
    };
    match r {
        Repeat::Request(c) => (
            "on every request".into(),
            at(c, "this handler runs on every request"),
        ),
        Repeat::Connection(c) => (
            "on every connection".into(),
            at(c, "this callback runs on every connection"),
        ),
        Repeat::Listener(c) => {
            let ev = model.calls[c.index()]
                .arg(0)
                .and_then(|v| v.as_str())
                .map(|e| format!("'{e}' event"))
                .unwrap_or_else(|| "event".into());
            (
                format!("on every {ev}"),
                at(c, &format!("this listener runs on every {ev}")),
            )
        }
        Repeat::Interval(c) => (
            "on every interval tick".into(),
            at(c, "this callback runs on every tick"),
        ),
        // A mount hook (`onMounted`), not a React effect, whose wording stays as it was.
        Repeat::Effect(c)
            if model.calls[c.index()]
                .callee
                .as_ref()
                .is_some_and(|callee| crate::semantic::api::is_mount_hook(model, callee)) =>
        {
            (
                "every time the component mounts".into(),
                at(c, "this callback runs on every mount of the component"),
            )
        }
        Repeat::Effect(c) => (
            "every time the effect runs".into(),
            at(c, "the effect runs on every mount and dependency change"),
        ),
        Repeat::Patched(c) => {
            let name = api_patched_name(model, *c);
            (
                format!("on every call of the patched `{name}`"),
                at(c, &format!("the function returned here replaces `{name}`")),
            )
        }
        Repeat::Setup => ("every time the component is created".into(), None),
        Repeat::Render => ("on every request that renders this component".into(), None),
        Repeat::Exported => ("each time the exported function is called".into(), None),
        Repeat::Project(u) => (
            format!("{} (as used at `{}:{}`)", u.why, u.file, u.at.start.line),
            None,
        ),
        Repeat::Method(f) => {
            let func = model.function(*f);
            let class = func
                .class
                .and_then(|c| model.class(c).name.as_deref())
                .map(|n| format!("{n}."))
                .unwrap_or_default();
            let name = func.name.as_deref().unwrap_or("this method");
            (format!("on every call of `{class}{name}()`"), None)
        }
        Repeat::Instance(c) => {
            let name = model.class(*c).name.as_deref().unwrap_or("this class");
            (format!("once per `{name}` instance"), None)
        }
        Repeat::CalledFrom(f, inner) => {
            let (phrase, label) = repeat_phrase_here(model, inner);
            let name = model
                .function(*f)
                .name
                .as_deref()
                .map(|n| format!("`{n}`"))
                .unwrap_or_else(|| "its caller".into());
            (format!("{phrase} (through {name})"), label)
        }
    }
}

/// The name of the method that call `c` patches ([`crate::semantic::api::patched_method`]).
fn api_patched_name(model: &SemanticModel, c: crate::semantic::CallId) -> String {
    crate::semantic::api::patched_method(model, &model.calls[c.index()])
        .map(|(name, _)| name.to_string())
        .unwrap_or_else(|| "method".into())
}

/// The confidence a finding starts from given how often the code that causes it runs:
/// strongly repeated → `strong`, exported only → `medium`, unknown → `low`; `None` for once.
pub fn confidence_for(freq: &Frequency, strong: Confidence) -> Option<Confidence> {
    match freq {
        Frequency::Once => None,
        Frequency::Unknown => Some(Confidence::Low),
        f if f.is_strongly_repeated() => Some(strong),
        _ => Some(Confidence::Medium.min(strong)),
    }
}

/// Names of request objects in route handlers (express, koa, fastify, Lambda).
pub(super) const REQUEST_ROOTS: &[&str] =
    &["req", "request", "ctx", "context", "c", "reply", "event"];
/// Properties of a request object that carry per-request data.
pub(super) const REQUEST_PROPS: &[&str] = &[
    "params",
    "query",
    "body",
    "headers",
    "header",
    "ip",
    "ips",
    "user",
    "cookies",
    "session",
    "url",
    "originalUrl",
    "path",
    "baseUrl",
    "hostname",
    "socket",
    "id",
    "search",
    "href",
    "pathname",
];

/// Whether a name suggests a per-user or per-request value (`userId`, `requestId`, `email`, `url`).
pub fn unbounded_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower == "id"
        || lower.ends_with("id")
            && name.len() > 2
            && (name.ends_with("Id") || name.ends_with("_id") || name.ends_with("ID"))
        || [
            "url", "uri", "email", "token", "session", "ip", "query", "hash", "trace", "span",
        ]
        .iter()
        .any(|w| lower.contains(w))
}

/// If any of `paths` is request-derived data, a short description of it (`req.params.id`,
/// `requestId`).
pub fn request_source(model: &SemanticModel, paths: &[Path]) -> Option<String> {
    for p in paths {
        let root_name = match &p.root {
            Root::Binding(b) => model.binding(*b).name.to_string(),
            Root::Global(g) => g.to_string(),
            _ => continue,
        };
        let text = p.display(model).to_string();
        if REQUEST_ROOTS.contains(&root_name.as_str())
            && p.props
                .first()
                .is_some_and(|q| REQUEST_PROPS.contains(&q.as_str()))
        {
            return Some(text);
        }
        // A bare `id` parameter is request-shaped; a generic `.id` property (`plugin.id`) is not,
        // but a specific one (`msg.userId`) is.
        let (leaf, bare) = match p.props.last() {
            Some(l) => (l.to_string(), false),
            None => (root_name, true),
        };
        if unbounded_name(&leaf) && (bare || !leaf.eq_ignore_ascii_case("id")) {
            return Some(text);
        }
    }
    None
}
