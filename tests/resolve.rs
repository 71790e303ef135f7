//! leaklint's binding resolution (`leaklint::resolve`) names the same bindings as swc's
//! resolver, which it replaces: on every fixture, and on snippets of each scoping rule.

use std::path::Path;

use leaklint::source::Dialect;

#[path = "../examples/resolve_agreement/compare.rs"]
mod compare;

/// Asserts that both resolvers agree on `text`, and that it has identifiers to agree on.
fn agrees(text: &str, dialect: Dialect) {
    let (count, disagreements) = compare::compare(text, dialect).expect("the snippet parses");
    assert!(count > 0, "no identifiers in {text}");
    assert!(disagreements.is_empty(), "{text}\n{disagreements:#?}");
}

/// Every fixture file: its path, text and dialect.
fn fixtures() -> Vec<(std::path::PathBuf, String, Dialect)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let configs = leaklint::config::ConfigResolver::new(None, &root);
    let found = leaklint::walk::discover(std::slice::from_ref(&root), false, &configs);
    found
        .files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            let dialect = Dialect::from_path(&path).unwrap_or(Dialect::JavaScript);
            (path, text, dialect)
        })
        .collect()
}

#[test]
fn agrees_with_swc_on_every_fixture() {
    let mut files = 0;
    for (path, text, dialect) in fixtures() {
        if let Some((_, disagreements)) = compare::compare(&text, dialect) {
            files += 1;
            assert!(
                disagreements.is_empty(),
                "{}: {disagreements:#?}",
                path.display()
            );
        }
    }
    assert!(files > 300, "only {files} fixtures parsed");
}

#[test]
fn hoisting_of_vars_functions_and_lexical_declarations() {
    agrees(
        "f(); function f() { g(); var g = h; { var h = 1; } }\n\
         use(C, x); class C {} let x = 1;\n\
         function outer(a) { var a; return a + b; } var b;",
        Dialect::JavaScript,
    );
}

#[test]
fn blocks_loops_and_switches_shadow() {
    agrees(
        "let x = 1; { let x = 2; x++; } x--;\n\
         for (let i = 0; i < 3; i++) { let i = 'inner'; use(i); } use(i);\n\
         for (const k in o) use(k); for (var v of o) use(v); use(v);\n\
         switch (x) { case 1: let y = x; use(y); break; default: use(y); }\n\
         label: for (;;) { break label; }",
        Dialect::JavaScript,
    );
}

#[test]
fn catch_parameters_and_vars_of_the_same_name() {
    agrees(
        "var a = 'PASS'; try { throw 1; } catch (a) { var a = 2; } use(a);\n\
         b(); try {} catch (b) { var b; }\n\
         try {} catch ({ message }) { use(message); }",
        Dialect::JavaScript,
    );
}

#[test]
fn functions_in_blocks_in_sloppy_and_strict_code() {
    agrees(
        "if (x) { function f() {} } f();\n\
         function g(p) { if (p) { function p() {} } { function q() {} } q(); }\n\
         (function () { 'use strict'; { function r() {} } r(); })();",
        Dialect::JavaScript,
    );
    agrees(
        "export function m() { { function s() {} } s(); }",
        Dialect::JavaScript,
    );
}

#[test]
fn named_expressions_see_their_own_names() {
    agrees(
        "const f = function g(g2) { return g(g2); }; g();\n\
         const h = function self(self) { return self; };\n\
         const C = class D { m() { return D; } }; new D();\n\
         const E = class extends Base {};",
        Dialect::JavaScript,
    );
}

#[test]
fn parameters_defaults_patterns_and_arrows() {
    agrees(
        "function f(a = b, b = a, { c, d: [e] = [] } = {}, ...rest) { return [a, b, c, e, rest]; }\n\
         const g = (x, y = x) => x + y; const h = async ({ z }) => { await z; };\n\
         ({ p, q: [r] } = obj); [s, ...t] = arr;",
        Dialect::JavaScript,
    );
}

#[test]
fn classes_methods_fields_and_objects() {
    agrees(
        "const key = 'k';\n\
         class A extends B { static s = key; #p = 1; [key] = 2; f = () => this.#p;\n\
           constructor(a) { super(a); this.a = a; } get g() { return key; } set g(v) { use(v); }\n\
           static { let key = 3; use(key); } #m(x) { return x; } }\n\
         const o = { key, [key]: 1, m(key) { return key; }, get v() { return o; } };",
        Dialect::JavaScript,
    );
}

#[test]
fn modules_imports_and_exports() {
    agrees(
        "import d, { a as b, c } from './m'; import * as ns from './n';\n\
         export { b, c as e }; export { x } from './x'; export * from './y';\n\
         export default function main() { return d(b, ns, local); }\n\
         const local = 1; export const exported = local;",
        Dialect::JavaScript,
    );
}

#[test]
fn jsx_names_are_components_or_intrinsic_elements() {
    agrees(
        "import Button from './b'; const div = 1;\n\
         export const App = () => <div><Button onClick={() => div} /><Lib.Item /></div>;",
        Dialect::JavaScript,
    );
}

#[test]
fn typescript_declarations() {
    agrees(
        "import { Bus } from './bus'; import type { T } from './t';\n\
         enum Color { Red = 1, Green = Red + 1 } use(Color.Red);\n\
         namespace NS { export const v = 1; use(v); } use(NS.v);\n\
         import fs = require('fs'); fs.readFileSync('x');\n\
         class S { private ready = false; constructor(private bus: Bus, public t?: T) { use(bus); } }\n\
         declare const g: number; use(g);\n\
         function over(a: string): void; function over(a: any) { return a as T; }\n\
         export default S;",
        Dialect::TypeScript,
    );
}

/// The linter resolves and builds the model one top-level statement at a time
/// (`semantic::build_resolving`); the model must be the one built from the whole resolved
/// program (`semantic::build`), on every fixture: same functions, bindings, references, calls.
#[test]
fn streamed_build_gives_the_same_model_on_every_fixture() {
    let mut files = 0;
    for (path, text, dialect) in fixtures() {
        let same = swc_common::GLOBALS.set(&Default::default(), || {
            let whole = leaklint::parse::parse(&text, dialect).ok()?;
            let unresolved = leaklint::parse::parse_unresolved(&text, dialect, |_| false).ok()?;
            let whole = format!("{:?}", leaklint::semantic::build(&whole.program));
            let streamed = format!(
                "{:?}",
                leaklint::semantic::build_resolving(unresolved.program)
            );
            Some(whole == streamed)
        });
        if let Some(same) = same {
            files += 1;
            assert!(same, "{}: the models differ", path.display());
        }
    }
    assert!(files > 300, "only {files} fixtures parsed");
}
