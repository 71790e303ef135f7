//! Member paths (`process.stdin`, `this.timer`, `app.locals.bus`): a root plus property names,
//! the unit in which rules compare receivers, handles and collections.

use std::fmt;

use smallvec::SmallVec;
use swc_atoms::Atom;

use super::{BindingId, SemanticModel};

/// What a member path starts from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Root {
    /// A binding declared in the file.
    Binding(BindingId),
    /// An identifier that resolves to no declaration: a global such as `process` or an implicit one.
    Global(Atom),
    /// `this`.
    This,
    /// A call result or another expression that is not a path.
    Unknown,
}

/// The property names of a [`Path`]: two fit inline, which covers most receivers and callees
/// (`process.stdin`, `this.timers`) without an allocation.
pub type Props = SmallVec<[Atom; 2]>;

/// A root followed by property names; computed properties with string or number literals count
/// as names, other computed properties end the path.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Path {
    /// Where the path starts.
    pub root: Root,
    /// The property names after the root.
    pub props: Props,
}

impl Path {
    /// The path of a bare binding.
    pub fn binding(b: BindingId) -> Path {
        Path {
            root: Root::Binding(b),
            props: Props::new(),
        }
    }

    /// The last property, or the global's name for a bare global.
    pub fn last(&self) -> Option<&Atom> {
        match (self.props.last(), &self.root) {
            (Some(p), _) => Some(p),
            (None, Root::Global(g)) => Some(g),
            _ => None,
        }
    }

    /// The path without its last property.
    pub fn parent(&self) -> Path {
        let mut props = self.props.clone();
        props.pop();
        Path {
            root: self.root.clone(),
            props,
        }
    }

    /// True when `self` begins with all of `prefix`.
    pub fn starts_with(&self, prefix: &Path) -> bool {
        self.root == prefix.root
            && self.props.len() >= prefix.props.len()
            && self.props[..prefix.props.len()] == prefix.props[..]
    }

    /// True when `self` is `prefix` followed by exactly one property (`a.b.c` of `a.b`), without
    /// building the parent path.
    pub fn is_member_of(&self, prefix: &Path) -> bool {
        self.props.len() == prefix.props.len() + 1 && self.starts_with(prefix)
    }

    /// The binding when the path is that binding alone (`b`, not `b.x`); `None` otherwise.
    pub fn as_binding(&self) -> Option<BindingId> {
        self.root_binding().filter(|_| self.props.is_empty())
    }

    /// The binding at the root, if any.
    pub fn root_binding(&self) -> Option<BindingId> {
        match self.root {
            Root::Binding(b) => Some(b),
            _ => None,
        }
    }

    /// The path written as source (`process.stdin`, `this.timer`), using `model` for binding names.
    pub fn display<'a>(&'a self, model: &'a SemanticModel) -> impl fmt::Display + 'a {
        DisplayPath { path: self, model }
    }
}

struct DisplayPath<'a> {
    path: &'a Path,
    model: &'a SemanticModel,
}

impl fmt::Display for DisplayPath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.path.root {
            Root::Binding(b) => write!(f, "{}", self.model.binding(*b).name)?,
            Root::Global(g) => write!(f, "{g}")?,
            Root::This => write!(f, "this")?,
            Root::Unknown => write!(f, "(…)")?,
        }
        for p in &self.path.props {
            write!(f, ".{p}")?;
        }
        Ok(())
    }
}
