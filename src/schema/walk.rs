//! What a schema says about one node: the subschemas that apply at a JSON pointer, the
//! types they allow, the fields they name. Used for messages ("did you mean") and by
//! `yaml-implicit-type`, which must know where a string is wanted.

use crate::base::value::Value;

use super::catalog::{DEFS_PREFIX, VersionSchemas};
use crate::base::Pointer;

/// Where `$ref`s of a root schema resolve.
#[derive(Debug, Clone, Copy)]
pub enum Defs<'a> {
    /// The built-in definitions of the target version (a CRD's root schema refers to
    /// them too).
    Builtin(&'a VersionSchemas),
}

/// A root schema and its definitions.
#[derive(Debug, Clone, Copy)]
pub struct Root<'a> {
    /// The object's schema.
    pub schema: &'a Value,
    /// Where its references point.
    pub defs: Defs<'a>,
}

/// The JSON types a schema allows, as a bit set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Types(u8);

impl Types {
    const NULL: u8 = 1;
    const BOOL: u8 = 2;
    const INT: u8 = 4;
    const NUMBER: u8 = 8;
    const STRING: u8 = 16;
    const ARRAY: u8 = 32;
    const OBJECT: u8 = 64;

    fn bit(name: &str) -> u8 {
        match name {
            "null" => Self::NULL,
            "boolean" => Self::BOOL,
            "integer" => Self::INT,
            "number" => Self::NUMBER | Self::INT,
            "string" => Self::STRING,
            "array" => Self::ARRAY,
            "object" => Self::OBJECT,
            _ => 0,
        }
    }

    /// Whether a string is allowed.
    pub fn allows_string(self) -> bool {
        self.0 & Self::STRING != 0
    }

    /// Whether a JSON value's type is allowed.
    pub fn allows(self, value: &Value) -> bool {
        let bit = match value {
            Value::Null => Self::NULL,
            Value::Bool(_) => Self::BOOL,
            Value::Number(n) if n.is_i64() || n.is_u64() => Self::INT,
            Value::Number(_) => Self::NUMBER,
            Value::String(_) => Self::STRING,
            Value::Array(_) => Self::ARRAY,
            Value::Object(_) => Self::OBJECT,
        };
        self.0 & bit != 0
    }
}

impl<'a> Root<'a> {
    fn deref(&self, schema: &'a Value) -> &'a Value {
        let mut s = schema;
        // Bounded: definitions never chain more than a few references.
        for _ in 0..16 {
            let Some(r) = s.get("$ref").and_then(Value::as_str) else {
                return s;
            };
            let Some(name) = r.strip_prefix(DEFS_PREFIX) else {
                return s;
            };
            let target = match self.defs {
                Defs::Builtin(b) => b.def(name),
            };
            match target {
                Some(t) => s = t,
                None => return s,
            }
        }
        s
    }

    /// A schema with its references followed and its `allOf`/`anyOf`/`oneOf` branches
    /// flattened: every subschema that applies to the same node.
    fn expand(&self, schema: &'a Value, out: &mut Vec<&'a Value>, depth: usize) {
        if depth > 8 {
            return;
        }
        let s = self.deref(schema);
        out.push(s);
        for key in ["allOf", "anyOf", "oneOf"] {
            if let Some(list) = s.get(key).and_then(Value::as_array) {
                for branch in list {
                    self.expand(branch, out, depth + 1);
                }
            }
        }
    }

    /// Every subschema that applies at `pointer`; empty when the schema says nothing
    /// about that node (an unknown field, or a free-form object).
    pub fn at(&self, pointer: &Pointer) -> Vec<&'a Value> {
        let mut current = Vec::new();
        self.expand(self.schema, &mut current, 0);
        for token in pointer.tokens() {
            let mut next = Vec::new();
            for s in &current {
                if let Some(child) = s.get("properties").and_then(|p| p.get(token.as_ref())) {
                    self.expand(child, &mut next, 0);
                } else if let Some(items) = s.get("items").filter(|i| i.is_object()) {
                    if token.parse::<usize>().is_ok() {
                        self.expand(items, &mut next, 0);
                    }
                } else if let Some(extra) = s.get("additionalProperties").filter(|a| a.is_object())
                {
                    self.expand(extra, &mut next, 0);
                }
            }
            if next.is_empty() {
                return next;
            }
            current = next;
        }
        current
    }

    /// The types allowed at `pointer`, when the schema constrains them there.
    pub fn types_at(&self, pointer: &Pointer) -> Option<Types> {
        let schemas = self.at(pointer);
        let mut types = Types::default();
        let mut any = false;
        for s in schemas {
            match s.get("type") {
                Some(Value::String(t)) => {
                    types.0 |= Types::bit(t);
                    any = true;
                }
                Some(Value::Array(list)) => {
                    for t in list.iter().filter_map(Value::as_str) {
                        types.0 |= Types::bit(t);
                    }
                    any = true;
                }
                _ => {}
            }
        }
        any.then_some(types)
    }

    /// Whether the schema requires `field` in the object at `pointer`.
    pub fn requires(&self, pointer: &Pointer, field: &str) -> bool {
        self.at(pointer).into_iter().any(|s| {
            s.get("required")
                .and_then(Value::as_array)
                .is_some_and(|r| r.iter().any(|f| f.as_str() == Some(field)))
        })
    }

    /// The field names a schema names at `pointer` (for "did you mean").
    pub fn fields_at(&self, pointer: &Pointer) -> Vec<&'a str> {
        let mut out: Vec<&str> = self
            .at(pointer)
            .into_iter()
            .filter_map(|s| s.get("properties").and_then(Value::as_object))
            .flat_map(|p| p.keys().map(crate::base::small_str::Key::as_str))
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}
