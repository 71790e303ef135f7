//! Parsing with swc, then binding resolution ([`crate::resolve`]), so that every identifier
//! carries the `SyntaxContext` of its binding (docs/architecture.md, "Binding identity").

use swc_common::{comments::SingleThreadedComments, input::StringInput, BytePos, Spanned};
use swc_ecma_ast::Program;
use swc_ecma_parser::{EsSyntax, Parser, Syntax, TsSyntax};

use crate::source::Dialect;

/// swc spans start at this byte position: position 0 is swc's "dummy" span, so the text is placed
/// at 1 and every offset we hand out is `BytePos - BASE`.
pub const BASE: u32 = 1;

/// A parsed, resolved file.
pub struct ParsedFile {
    /// The AST, after [`crate::resolve::resolve`] has set identifier contexts.
    pub program: Program,
    /// Every comment, keyed by position (used for suppressions).
    pub comments: SingleThreadedComments,
    /// Recoverable syntax errors swc reported while still producing an AST.
    pub recovered_errors: Vec<SyntaxFailure>,
}

/// A syntax error: swc's message (on one line) and the byte offset (from 0) where it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxFailure {
    /// Byte offset of the error in the text.
    pub offset: u32,
    /// End of the offending range (byte offset).
    pub end: u32,
    /// swc's message, its whitespace runs (newlines included) collapsed to single spaces.
    pub message: String,
}

/// The swc syntax options for `dialect`: JSX allowed in JavaScript, decorators, top-level
/// `return` (CommonJS), import attributes and `using`; TypeScript with JSX only for `.tsx`.
pub fn syntax_for(dialect: Dialect) -> Syntax {
    match dialect {
        Dialect::JavaScript => Syntax::Es(EsSyntax {
            jsx: true,
            decorators: true,
            allow_return_outside_function: true,
            import_attributes: true,
            explicit_resource_management: true,
            ..Default::default()
        }),
        Dialect::TypeScript | Dialect::Tsx => Syntax::Typescript(TsSyntax {
            tsx: dialect == Dialect::Tsx,
            decorators: true,
            ..Default::default()
        }),
    }
}

/// Parses `text` as `dialect`, keeping every comment, and resolves bindings: the whole program
/// at once, for the callers that read the resolved AST (the linter resolves while it builds the
/// model instead: [`parse_unresolved`], then `crate::semantic::build_resolving`).
///
/// Must run inside `swc_common::GLOBALS.set(..)` (swc's parser reads it).
///
/// # Errors
/// A fatal syntax error gives a [`SyntaxFailure`] with swc's message and its byte offset.
pub fn parse(text: &str, dialect: Dialect) -> Result<ParsedFile, SyntaxFailure> {
    let Unresolved {
        mut program,
        comments,
        recovered_errors,
    } = parse_unresolved(text, dialect, |_| true)?;
    crate::resolve::resolve(&mut program);
    Ok(ParsedFile {
        program,
        comments,
        recovered_errors,
    })
}

/// A parsed file before binding resolution: every identifier has
/// [`swc_common::SyntaxContext::empty`].
pub struct Unresolved {
    /// The AST.
    pub program: Program,
    /// The comments, when they were wanted (see [`parse_unresolved`]).
    pub comments: SingleThreadedComments,
    /// Recoverable syntax errors swc reported while still producing an AST.
    pub recovered_errors: Vec<SyntaxFailure>,
}

/// The swc parse of [`parse`] without the resolution: for the linter, which resolves while it
/// builds the model (`crate::semantic::build_resolving`), for the benchmark's baseline
/// (`examples/parse_only.rs`) and the check that [`crate::resolve`] agrees with swc's resolver
/// (`examples/resolve_agreement`), which run swc's resolver instead. Returns the AST, the
/// comments when `wanted(text)` says so (otherwise none: the linter reads comments for
/// suppression directives alone, and one vectorised search for their prefix rules most files
/// out, so that swc neither buffers nor indexes their comments), and the recovered syntax
/// errors.
///
/// # Errors
/// As [`parse`].
pub fn parse_unresolved(
    text: &str,
    dialect: Dialect,
    wanted: impl FnOnce(&str) -> bool,
) -> Result<Unresolved, SyntaxFailure> {
    let syntax = syntax_for(dialect);
    let comments = SingleThreadedComments::default();
    let keep = wanted(text);
    // A byte-order mark is not part of the program (swc would reject a shebang after it); skip it
    // but keep positions relative to the whole text.
    let skip = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let end = BytePos(BASE + text.len() as u32);
    let input = StringInput::new(&text[skip..], BytePos(BASE + skip as u32), end);
    let mut parser = Parser::new(syntax, input, keep.then_some(&comments as _));
    let program = parser.parse_program().map_err(|e| failure(&e))?;
    let recovered_errors = parser.take_errors().iter().map(failure).collect();
    Ok(Unresolved {
        program,
        comments,
        recovered_errors,
    })
}

fn failure(e: &swc_ecma_parser::error::Error) -> SyntaxFailure {
    let span = e.span();
    SyntaxFailure {
        offset: span.lo.0.saturating_sub(BASE),
        end: span.hi.0.saturating_sub(BASE),
        // One line: some swc messages add a hint after a newline ("- Did you mean …"), and
        // the concise, GitHub and editor formats show one line per finding.
        message: e
            .kind()
            .msg()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" "),
    }
}
