//! Schema violations in a person's terms: `spec.replicas: expected integer, found string
//! "3"`, one per offending node, at that node.

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{JsonType, ValidationError};
use serde_json::Value;

use crate::base::Pointer;

/// What kind of violation, for deduplication and for the rules that refine some of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ViolationKind {
    /// The value has the wrong JSON type; the types the schema allows.
    Type(Vec<&'static str>),
    /// A required field is missing (the pointer is its parent); the field's name.
    Required(String),
    /// A field the schema does not name.
    Unknown(String),
    /// Anything else (enum, pattern, bounds).
    Other,
}

/// One violation at one node.
#[derive(Debug, Clone)]
pub struct Violation {
    /// The node, within the object.
    pub pointer: Pointer,
    /// What is wrong.
    pub message: String,
    /// Its kind.
    pub kind: ViolationKind,
}

/// Quantity strings are checked with this pattern (see scripts/gen_schemas.py).
const QUANTITY_PATTERN_START: &str = "^[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)";

/// A pointer as a person reads a field path: `spec.containers[0].image`,
/// `metadata.labels["app.kubernetes.io/name"]`.
pub fn dotted(pointer: &Pointer) -> String {
    let mut out = String::new();
    for token in pointer.tokens() {
        if !token.is_empty() && token.bytes().all(|b| b.is_ascii_digit()) {
            out.push('[');
            out.push_str(&token);
            out.push(']');
        } else if !token.is_empty()
            && token
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '$')
        {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&token);
        } else {
            out.push('[');
            out.push_str(&Value::String(token.into_owned()).to_string());
            out.push(']');
        }
    }
    out
}

/// A short description of a value: `string "3"`, `integer 3`, `an object`.
pub fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("boolean {b}"),
        Value::Number(n) if n.is_i64() || n.is_u64() => format!("integer {n}"),
        Value::Number(n) => format!("number {n}"),
        Value::String(s) => format!("string {}", preview(s)),
        Value::Array(_) => "a list".to_owned(),
        Value::Object(_) => "a mapping".to_owned(),
    }
}

/// A string quoted for a message, shortened when long.
pub fn preview(s: &str) -> String {
    const MAX: usize = 60;
    if s.chars().count() <= MAX {
        return Value::String(s.to_owned()).to_string();
    }
    let cut: String = s.chars().take(MAX).collect();
    format!("{}…", Value::String(cut))
}

fn type_name(t: JsonType) -> &'static str {
    match t {
        JsonType::Array => "list",
        JsonType::Boolean => "boolean",
        JsonType::Integer => "integer",
        JsonType::Null => "null",
        JsonType::Number => "number",
        JsonType::Object => "mapping",
        JsonType::String => "string",
    }
}

fn or_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

fn prefix(pointer: &Pointer) -> String {
    let d = dotted(pointer);
    if d.is_empty() {
        String::new()
    } else {
        format!("{d}: ")
    }
}

/// Turns one jsonschema error into violations (an unknown-fields error gives one per field).
pub fn violations(error: &ValidationError<'_>) -> Vec<Violation> {
    let pointer = Pointer::parse(error.instance_path().as_str()).unwrap_or_default();
    let instance = error.instance();
    let at = prefix(&pointer);
    let one = |message: String, kind: ViolationKind| {
        vec![Violation {
            pointer: pointer.clone(),
            message,
            kind,
        }]
    };
    match error.kind() {
        ValidationErrorKind::Type { kind } => {
            let wanted: Vec<&'static str> = match kind {
                TypeKind::Single(t) => vec![type_name(*t)],
                TypeKind::Multiple(set) => set
                    .iter()
                    .filter(|t| *t != JsonType::Null)
                    .map(type_name)
                    .collect(),
            };
            let names: Vec<String> = wanted.iter().map(|s| (*s).to_owned()).collect();
            one(
                format!(
                    "{at}expected {}, found {}",
                    or_list(&names),
                    describe(instance)
                ),
                ViolationKind::Type(wanted),
            )
        }
        ValidationErrorKind::Required { property } => {
            let name = property.as_str().unwrap_or_default();
            one(
                format!("{at}missing required field `{name}`"),
                ViolationKind::Required(name.to_owned()),
            )
        }
        ValidationErrorKind::AdditionalProperties { unexpected } => unexpected
            .iter()
            .map(|field| {
                let p = pointer.key(field);
                Violation {
                    message: format!("{}: unknown field", dotted(&p)),
                    pointer: p,
                    kind: ViolationKind::Unknown(field.clone()),
                }
            })
            .collect(),
        ValidationErrorKind::Enum { options } => {
            // `""` is allowed where the API server defaults an empty value; listing it
            // would only distract.
            let allowed: Vec<String> = options
                .as_array()
                .map(|o| {
                    o.iter()
                        .filter(|v| !v.is_null() && v.as_str() != Some(""))
                        .map(|v| match v {
                            Value::String(s) => s.clone(),
                            other => other.to_string(),
                        })
                        .collect()
                })
                .unwrap_or_default();
            let (shown, close) = match instance.as_ref() {
                Value::String(s) => (
                    preview(s),
                    allowed.iter().find(|a| a.eq_ignore_ascii_case(s)).cloned(),
                ),
                other => (other.to_string(), None),
            };
            let hint = close.map_or(String::new(), |c| {
                format!(" (values are case-sensitive: {c})")
            });
            one(
                format!("{at}{shown} is not one of {}{hint}", or_list(&allowed)),
                ViolationKind::Other,
            )
        }
        ValidationErrorKind::Pattern { pattern } if pattern.starts_with(QUANTITY_PATTERN_START) => {
            one(
                format!(
                    "{at}{} is not a valid quantity (such as 500m, 1.5, 128Mi or 2Gi)",
                    describe(instance)
                ),
                ViolationKind::Other,
            )
        }
        ValidationErrorKind::Pattern { pattern } => one(
            format!(
                "{at}{} does not match the pattern `{pattern}`",
                describe(instance)
            ),
            ViolationKind::Other,
        ),
        ValidationErrorKind::OneOfNotValid { .. } | ValidationErrorKind::AnyOf { .. } => one(
            format!(
                "{at}{} matches none of the allowed forms",
                describe(instance)
            ),
            ViolationKind::Other,
        ),
        ValidationErrorKind::FalseSchema => {
            let field = pointer
                .tokens()
                .last()
                .map(|t| t.into_owned())
                .unwrap_or_default();
            one(
                format!("{at}field not allowed here"),
                ViolationKind::Unknown(field),
            )
        }
        _ => one(format!("{at}{error}"), ViolationKind::Other),
    }
}

/// Keeps the most useful violation per node: a type error makes enum and pattern errors
/// at the same node noise.
pub fn dedup(mut all: Vec<Violation>) -> Vec<Violation> {
    let typed: Vec<Pointer> = all
        .iter()
        .filter(|v| matches!(v.kind, ViolationKind::Type(_)))
        .map(|v| v.pointer.clone())
        .collect();
    all.retain(|v| matches!(v.kind, ViolationKind::Type(_)) || !typed.contains(&v.pointer));
    all.sort_by(|a, b| {
        a.pointer
            .cmp(&b.pointer)
            .then_with(|| a.message.cmp(&b.message))
    });
    all.dedup_by(|a, b| a.pointer == b.pointer && a.message == b.message);
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotted_paths_read_like_fields() {
        let p = Pointer::root()
            .path("spec/containers")
            .index(0)
            .key("image");
        assert_eq!(dotted(&p), "spec.containers[0].image");
        let p = Pointer::root()
            .path("metadata/labels")
            .key("app.kubernetes.io/name");
        assert_eq!(dotted(&p), "metadata.labels[\"app.kubernetes.io/name\"]");
    }
}
