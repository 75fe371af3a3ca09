//! Structural templates: `${{ expr }}` in YAML scalars, evaluated with Rhai.
//!
//! A scalar that is exactly `${{ expr }}` becomes the typed value of the expression
//! (string, number, bool, map, list; `()` removes the key or list item); inside a longer
//! string the value is interpolated as text; `$${{` writes a literal `${{`. Mapping keys
//! are interpolated too. Expressions see `values` and nothing else: the engine has no
//! I/O and is bounded in operations, depth and sizes. Undefined values are errors (read
//! an optional one with `values.get("x") ?? default` or test it with `"x" in values`).
//!
//! The template is YAML first: an expression holding `: ` or ` #` (a Rhai map literal
//! `#{a: 1}`) must be quoted, `'${{ #{a: 1} }}'`, and a quoted scalar that is exactly one
//! expression still becomes its typed value.
//!
//! The stage runs on a parsed document, before objects are made. It rewrites the JSON
//! value and keeps the span tree in step (removed keys and items leave the tree too), so
//! that every finding on the rendered object still points into the template; a pointer
//! inside a value that an expression produced resolves to the expression's scalar.

use std::fmt;
use std::sync::{Arc, OnceLock};

use crate::base::value::{Map, Number, Value};
use base64::Engine as _;
use rhai::packages::{
    ArithmeticPackage, BasicArrayPackage, BasicIteratorPackage, BasicMapPackage, BasicMathPackage,
    BasicStringPackage, CorePackage, LogicPackage, MoreStringPackage, Package,
};
use rhai::{Dynamic, Engine, EvalAltResult, Scope};

use crate::base::Span;
use crate::deadline;
use crate::yaml::{Key, Node, NodeKind};

/// Bounds of one expression's evaluation.
const MAX_OPERATIONS: u64 = 100_000;
const MAX_CALL_LEVELS: usize = 32;
const MAX_EXPR_DEPTH: usize = 64;
const MAX_STRING: usize = 1 << 20;
const MAX_COLLECTION: usize = 10_000;

thread_local! {
    /// Operations of the expression being evaluated on this thread.
    static OPERATIONS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// The values expressions see, and the engine, built on first use.
#[derive(Clone, Default)]
pub struct Templates {
    values: Arc<Value>,
    engine: Arc<OnceLock<(Engine, Dynamic)>>,
}

impl fmt::Debug for Templates {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Templates")
            .field("values", &self.values)
            .finish()
    }
}

/// A failed expression: where (a span of the template's file) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateProblem {
    /// The expression, `${{` to `}}`.
    pub span: Span,
    /// What went wrong, in the user's terms.
    pub message: String,
}

/// What an exact `${{ expr }}` scalar becomes.
enum Outcome {
    Value(Value),
    Remove,
}

impl Templates {
    /// Templates that see `values` (a mapping; anything else reads as empty).
    pub fn new(values: Value) -> Templates {
        Templates {
            values: Arc::new(values),
            engine: Arc::default(),
        }
    }

    /// The values.
    pub fn values(&self) -> &Value {
        &self.values
    }

    fn engine(&self) -> &(Engine, Dynamic) {
        self.engine.get_or_init(|| {
            let values = match &*self.values {
                Value::Object(_) => rhai::serde::to_dynamic(&*self.values)
                    .unwrap_or_else(|_| Dynamic::from_map(rhai::Map::new())),
                _ => Dynamic::from_map(rhai::Map::new()),
            };
            (sandbox(), values)
        })
    }

    /// Evaluates every expression of a document in place; the problems point into `text`.
    pub fn expand(&self, tree: &mut Node, value: &mut Value, text: &str) -> Vec<TemplateProblem> {
        let mut problems = Vec::new();
        self.walk(value, Some(tree), text, &mut problems);
        problems
    }

    /// Returns false when the node should be removed.
    fn walk(
        &self,
        value: &mut Value,
        node: Option<&mut Node>,
        text: &str,
        problems: &mut Vec<TemplateProblem>,
    ) -> bool {
        match value {
            Value::String(s) if s.contains("${{") => {
                let span = node.as_ref().map_or_else(Span::default, |n| n.span);
                match self.scalar(s, span, text) {
                    Ok(Outcome::Value(v)) => *value = v,
                    Ok(Outcome::Remove) => return false,
                    Err(p) => problems.push(p),
                }
                true
            }
            Value::Array(items) => {
                let mut nodes = match node.map(|n| &mut n.kind) {
                    Some(NodeKind::Seq(nodes)) if nodes.len() == items.len() => Some(nodes),
                    _ => None,
                };
                let mut keep = Vec::with_capacity(items.len());
                for (i, item) in items.iter_mut().enumerate() {
                    let child = nodes.as_mut().and_then(|n| n.get_mut(i));
                    keep.push(self.walk(item, child, text, problems));
                }
                let mut it = keep.iter();
                items.retain(|_| *it.next().unwrap_or(&true));
                if let Some(nodes) = nodes {
                    let mut it = keep.iter();
                    let mut kept = std::mem::take(nodes).into_vec();
                    kept.retain(|_| *it.next().unwrap_or(&true));
                    *nodes = kept.into_boxed_slice();
                }
                true
            }
            Value::Object(map) => {
                let mut entries = match node.map(|n| &mut n.kind) {
                    Some(NodeKind::Map(entries)) => Some(entries),
                    _ => None,
                };
                let old = std::mem::take(map);
                for (key, mut child) in old {
                    let child_node = entries
                        .as_mut()
                        .and_then(|e| e.iter_mut().rev().find(|(k, _)| k.as_str() == key))
                        .map(|(_, n)| n);
                    let key_span = child_node
                        .as_ref()
                        .and_then(|n| n.key_span())
                        .unwrap_or_default();
                    if !self.walk(&mut child, child_node, text, problems) {
                        if let Some(e) = entries.as_mut() {
                            let mut kept = std::mem::take(*e).into_vec();
                            kept.retain(|(k, _)| k.as_str() != key);
                            **e = kept.into_boxed_slice();
                        }
                        continue;
                    }
                    let new_key = if key.contains("${{") {
                        match self.interpolate(&key, key_span, text) {
                            Ok(k) => k,
                            Err(p) => {
                                problems.push(p);
                                key.to_string()
                            }
                        }
                    } else {
                        key.to_string()
                    };
                    if new_key != key {
                        if let Some(e) = entries.as_mut() {
                            for (k, _) in e.iter_mut().filter(|(k, _)| k.as_str() == key) {
                                *k = Key::from(new_key.as_str());
                            }
                        }
                    }
                    map.insert(new_key, child);
                }
                true
            }
            _ => true,
        }
    }

    /// A string scalar with expressions.
    fn scalar(&self, s: &str, span: Span, text: &str) -> Result<Outcome, TemplateProblem> {
        let pieces = split(s).map_err(|m| TemplateProblem {
            span: expression_span(text, span, 0),
            message: m,
        })?;
        if let [Piece::Expr(expr)] = pieces.as_slice() {
            let d = self.eval(expr).map_err(|m| problem(text, span, 0, m))?;
            return if d.is_unit() {
                Ok(Outcome::Remove)
            } else {
                to_json(&d)
                    .map(Outcome::Value)
                    .map_err(|m| problem(text, span, 0, m))
            };
        }
        self.render_pieces(&pieces, span, text)
            .map(|s| Outcome::Value(Value::String(s.into())))
    }

    fn interpolate(&self, s: &str, span: Span, text: &str) -> Result<String, TemplateProblem> {
        let pieces = split(s).map_err(|m| TemplateProblem {
            span: expression_span(text, span, 0),
            message: m,
        })?;
        self.render_pieces(&pieces, span, text)
    }

    fn render_pieces(
        &self,
        pieces: &[Piece<'_>],
        span: Span,
        text: &str,
    ) -> Result<String, TemplateProblem> {
        let mut out = String::new();
        let mut nth = 0;
        for piece in pieces {
            match piece {
                Piece::Text(t) => out.push_str(t),
                Piece::Expr(expr) => {
                    let d = self.eval(expr).map_err(|m| problem(text, span, nth, m))?;
                    out.push_str(&as_text(&d).map_err(|m| problem(text, span, nth, m))?);
                    nth += 1;
                }
            }
        }
        Ok(out)
    }

    fn eval(&self, expr: &str) -> Result<Dynamic, String> {
        let (engine, values) = self.engine();
        let mut scope = Scope::new();
        scope.push_constant_dynamic("values", values.clone());
        OPERATIONS.set(0);
        let _clock = deadline::Call::start();
        engine
            .eval_expression_with_scope::<Dynamic>(&mut scope, expr)
            .map_err(|e| message(*e, expr))
    }
}

/// The engine: only the language core, strings, numbers, lists and maps; no I/O, no
/// `eval`, no clock (see [`deadline::harden`]); bounded in operations, sizes and time;
/// undefined variables and map properties are errors.
fn sandbox() -> Engine {
    let mut e = Engine::new_raw();
    CorePackage::new().register_into_engine(&mut e);
    LogicPackage::new().register_into_engine(&mut e);
    ArithmeticPackage::new().register_into_engine(&mut e);
    BasicMathPackage::new().register_into_engine(&mut e);
    BasicStringPackage::new().register_into_engine(&mut e);
    MoreStringPackage::new().register_into_engine(&mut e);
    BasicArrayPackage::new().register_into_engine(&mut e);
    BasicMapPackage::new().register_into_engine(&mut e);
    BasicIteratorPackage::new().register_into_engine(&mut e);
    e.set_max_operations(MAX_OPERATIONS)
        .set_max_call_levels(MAX_CALL_LEVELS)
        .set_max_expr_depths(MAX_EXPR_DEPTH, MAX_EXPR_DEPTH)
        .set_max_string_size(MAX_STRING)
        .set_max_array_size(MAX_COLLECTION)
        .set_max_map_size(MAX_COLLECTION)
        .set_strict_variables(true)
        .set_fail_on_invalid_map_property(true);
    // Rhai counts operations per call chain: closures called from `map` start again from
    // their caller's count, so siblings are not summed. A per-evaluation counter of every
    // operation bounds the whole expression.
    e.on_progress(|_| {
        let n = OPERATIONS.get() + 1;
        OPERATIONS.set(n);
        if n > MAX_OPERATIONS {
            return Some(Dynamic::UNIT);
        }
        deadline::progress(n)
    });
    deadline::harden(&mut e);
    e.disable_symbol("eval");
    e.register_fn("b64enc", |s: &str| {
        base64::engine::general_purpose::STANDARD.encode(s)
    });
    e.register_fn("b64dec", |s: &str| -> Result<String, Box<EvalAltResult>> {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(s)
            .map_err(|e| format!("b64dec: {e}"))?;
        String::from_utf8(bytes).map_err(|_| "b64dec: the decoded bytes are not UTF-8".into())
    });
    e
}

/// A Rhai error in the user's terms.
fn message(mut e: EvalAltResult, expr: &str) -> String {
    let expr = shorten(expr.trim());
    match e.unwrap_inner() {
        EvalAltResult::ErrorPropertyNotFound(name, _) => {
            format!("`{expr}` is undefined: no value `{name}` (set it with --values or --set)")
        }
        EvalAltResult::ErrorVariableNotFound(name, _) => {
            format!("undefined variable `{name}` in `{expr}` (expressions see only `values`)")
        }
        EvalAltResult::ErrorParsing(rhai::ParseErrorType::VariableUndefined(name), _) => {
            format!("undefined variable `{name}` in `{expr}` (expressions see only `values`)")
        }
        EvalAltResult::ErrorParsing(p, _) => format!("`{expr}` is not a valid expression: {p}"),
        inner if deadline::is_deadline(inner) => {
            format!("`{expr}` stopped: {}", deadline::exceeded_message())
        }
        EvalAltResult::ErrorTooManyOperations(_) | EvalAltResult::ErrorTerminated(..) => {
            format!("`{expr}` ran too long (more than {MAX_OPERATIONS} operations)")
        }
        _ => {
            e.clear_position();
            let text = e.to_string();
            // Positions of errors inside closures survive `clear_position`: they count from
            // the expression, which the span already shows.
            let text = match text.find(" (line ") {
                Some(at) => text[..at].to_owned(),
                None => text,
            };
            format!("`{expr}` failed: {text}")
        }
    }
}

/// An expression as quoted in a message: long ones are cut (the span shows them whole).
fn shorten(expr: &str) -> String {
    const MAX: usize = 60;
    match expr.char_indices().nth(MAX) {
        Some((at, _)) => format!("{}…", &expr[..at]),
        None => expr.to_owned(),
    }
}

/// A typed result as JSON; integral floats become integers, as Kubernetes reads them.
fn to_json(d: &Dynamic) -> Result<Value, String> {
    if d.is_unit() {
        return Ok(Value::Null);
    }
    if let Ok(b) = d.as_bool() {
        return Ok(Value::Bool(b));
    }
    if let Ok(i) = d.as_int() {
        return Ok(Value::Number(i.into()));
    }
    if let Ok(f) = d.as_float() {
        if !f.is_finite() {
            return Err(format!("the value {f} has no JSON form"));
        }
        if f.fract() == 0.0 && f.abs() < 9.007_199_254_740_992e15 {
            return Ok(Value::Number((f as i64).into()));
        }
        return Number::from_f64(f)
            .map(Value::Number)
            .ok_or_else(|| format!("the value {f} has no JSON form"));
    }
    if let Ok(c) = d.as_char() {
        return Ok(Value::String(c.to_string().into()));
    }
    if d.is_string() {
        return Ok(Value::String(
            d.clone().into_string().unwrap_or_default().into(),
        ));
    }
    if d.is_array() {
        let items = d.clone().into_array().unwrap_or_default();
        // `()` items are dropped, as a `()` scalar in a YAML list is.
        return items
            .iter()
            .filter(|i| !i.is_unit())
            .map(to_json)
            .collect::<Result<_, _>>()
            .map(Value::Array);
    }
    if d.is_map() {
        let map = d.clone().try_cast::<rhai::Map>().unwrap_or_default();
        let mut out = Map::new();
        for (k, v) in map.iter().filter(|(_, v)| !v.is_unit()) {
            out.insert(k.to_string(), to_json(v)?);
        }
        return Ok(Value::Object(out));
    }
    Err(format!(
        "the value is a `{}`, which has no YAML form",
        d.type_name()
    ))
}

/// A result as text inside a longer string.
fn as_text(d: &Dynamic) -> Result<String, String> {
    if d.is_unit() {
        return Ok(String::new());
    }
    if d.is_array() || d.is_map() {
        return Err("a list or map cannot be interpolated into a string; make the expression the whole value".to_owned());
    }
    Ok(match to_json(d)? {
        Value::String(s) => s.into(),
        other => other.to_string(),
    })
}

/// A string cut into text and expressions.
#[derive(Debug, PartialEq, Eq)]
enum Piece<'a> {
    Text(std::borrow::Cow<'a, str>),
    Expr(&'a str),
}

/// Splits at `${{ … }}`; `$${{` is a literal `${{`. Braces and string literals inside an
/// expression are balanced, so `${{ #{a: #{b: 1}} }}` ends at the right `}}`.
fn split(s: &str) -> Result<Vec<Piece<'_>>, String> {
    let mut out = Vec::new();
    let mut rest = s;
    let mut literal = String::new();
    while let Some(at) = rest.find("${{") {
        if rest[..at].ends_with('$') {
            literal.push_str(&rest[..at - 1]);
            literal.push_str("${{");
            rest = &rest[at + 3..];
            continue;
        }
        literal.push_str(&rest[..at]);
        let body = &rest[at + 3..];
        let end = expression_end(body)
            .ok_or_else(|| "unterminated `${{`: the expression has no closing `}}`".to_owned())?;
        if !literal.is_empty() {
            out.push(Piece::Text(std::mem::take(&mut literal).into()));
        }
        let expr = &body[..end];
        if expr.trim().is_empty() {
            return Err("empty expression `${{ }}`".to_owned());
        }
        out.push(Piece::Expr(expr));
        rest = &body[end + 2..];
    }
    literal.push_str(rest);
    if !literal.is_empty() {
        out.push(Piece::Text(literal.into()));
    }
    Ok(out)
}

/// The byte offset of the `}}` that closes an expression.
fn expression_end(body: &str) -> Option<usize> {
    let b = body.as_bytes();
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match quote {
            Some(q) => {
                if c == b'\\' {
                    i += 1;
                } else if c == q {
                    quote = None;
                }
            }
            None => match c {
                b'"' | b'\'' | b'`' => quote = Some(c),
                b'{' => depth += 1,
                b'}' if depth > 0 => depth -= 1,
                b'}' if b.get(i + 1) == Some(&b'}') => return Some(i),
                _ => {}
            },
        }
        i += 1;
    }
    None
}

fn problem(text: &str, span: Span, nth: usize, message: String) -> TemplateProblem {
    TemplateProblem {
        span: expression_span(text, span, nth),
        message,
    }
}

/// The `nth` `${{ … }}` inside a scalar's source text, or the whole scalar when the
/// source spells it differently (escapes in a double-quoted scalar).
fn expression_span(text: &str, scalar: Span, nth: usize) -> Span {
    let (start, end) = (scalar.start as usize, scalar.end as usize);
    let Some(source) = text.get(start..end) else {
        return scalar;
    };
    let mut from = 0;
    let mut seen = 0;
    while let Some(at) = source[from..].find("${{").map(|a| a + from) {
        if source[..at].ends_with('$') {
            from = at + 3;
            continue;
        }
        let close = expression_end(&source[at + 3..]).map(|e| at + 3 + e + 2);
        if seen == nth {
            return Span::new(start + at, start + close.unwrap_or(source.len()));
        }
        seen += 1;
        from = close.unwrap_or(source.len());
    }
    scalar
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_expressions_and_escapes() {
        assert_eq!(
            split("a-${{ x }}-b").unwrap(),
            vec![
                Piece::Text("a-".into()),
                Piece::Expr(" x "),
                Piece::Text("-b".into())
            ]
        );
        assert_eq!(
            split("$${{ x }}").unwrap(),
            vec![Piece::Text("${{ x }}".into())]
        );
        assert_eq!(
            split("${{ #{a: #{b: 1}} }}").unwrap(),
            vec![Piece::Expr(" #{a: #{b: 1}} ")]
        );
        assert_eq!(
            split("${{ \"}}\" }}").unwrap(),
            vec![Piece::Expr(" \"}}\" ")]
        );
        assert!(split("${{ x").is_err());
        assert!(split("${{  }}").is_err());
    }
}
