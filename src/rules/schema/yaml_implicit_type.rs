use std::cell::RefCell;

use crate::base::value::Value;

use crate::base::{Diagnostic, FastMap, Pointer};
use crate::declare_rule;
use crate::model::Object;
use crate::edit::{Change, Yaml};
use crate::rules::{Context, Fix, FixContext, Rule, RuleMeta, Safety};
use crate::schema::SchemaSet;
use crate::schema::message::dotted;
use crate::schema::walk::{Root, Types};
use crate::semantics::implicit_type;
use crate::yaml::scalar::Resolved;
use crate::graph::ObjectTree;
use crate::yaml::{NodeKind, ScalarStyle};

declare_rule! {
    /// ## What it does
    /// Reports an unquoted scalar that Kubernetes' YAML 1.1 rules read as a boolean, a
    /// number or null where the schema of the object (built-in or from its CRD) wants a
    /// string: `value: yes` (the boolean true), `version: 1.10` (the number 1.1),
    /// `mode: 0755` (the octal integer 493), a label, annotation or ConfigMap value `on`
    /// or `123`, an empty `name:` (null) where a name is required. The help shows the
    /// value quoted. Such a node gets this finding instead of a `schema` type error; where
    /// quoting would not give a valid value either (`protocol: 22`), it is left to
    /// `schema`.
    ///
    /// ## Why is this bad?
    /// kubectl turns the YAML into JSON with these rules, so the API server receives
    /// `true` or `1.1` and rejects the object (`cannot unmarshal bool into Go struct field
    /// EnvVar.value of type string`); a typed client silently sends `"true"` or `"1.1"`:
    /// either way, not the text that was written.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: settings
    /// data:
    ///   debug: yes
    ///   version: 1.10
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// data:
    ///   debug: "yes"
    ///   version: "1.10"
    /// ```
    ///
    /// ## References
    /// - YAML 1.1 language-independent types (how unquoted scalars are typed): https://yaml.org/type/
    /// - Objects in Kubernetes: describing an object: https://kubernetes.io/docs/concepts/overview/working-with-objects/#describing-a-kubernetes-object
    pub static YAML_IMPLICIT_TYPE = {
        id: "yaml-implicit-type",
        severity: Error,
        category: Input,
        summary: "an unquoted scalar reads as bool/number/null where the schema wants a string",
        help: "quote the value",
        scope: Object,
    }
}

/// Walks each object's value for booleans, numbers and nulls where the schema wants a
/// string, then asks the span tree whether such a value was written as a plain scalar.
pub struct YamlImplicitType;

impl Rule for YamlImplicitType {
    fn meta(&self) -> &'static RuleMeta {
        &YAML_IMPLICIT_TYPE
    }

    fn check_object(&self, cx: &Context<'_>, object: &Object, out: &mut Vec<Diagnostic>) {
        // One cache of "types at this path" per worker thread and schema set: the same
        // fields recur in every object of a kind.
        thread_local! {
            static MEMO: RefCell<(Option<u64>, Memo)> = RefCell::new((None, Memo::default()));
        }
        MEMO.with(|memo| {
            let mut memo = memo.borrow_mut();
            if memo.0 != Some(cx.schemas.id()) {
                *memo = (Some(cx.schemas.id()), Memo::default());
            }
            out.extend(check(cx, cx.schemas, object, &mut memo.1));
        });
    }

    /// The scalar's own text in double quotes: the string that was meant.
    fn fix(&self, cx: &FixContext<'_>, finding: &Diagnostic) -> Option<Fix> {
        let (object, pointer) = super::super::fixes::object_location(finding)?;
        let tree = cx.graph.object_tree(object);
        let (node, file) = tree.node_at(pointer);
        let raw = cx.graph.file(file).slice(node.span);
        // A plain scalar folded over lines is not the text of one line: not quoted here.
        if raw.contains('\n') || !matches!(node.kind, NodeKind::Scalar { style: ScalarStyle::Plain, .. }) {
            return None;
        }
        Some(Fix {
            title: format!("quote the value: {}", Value::String(raw.clone().into())),
            safety: Safety::Safe,
            object,
            changes: vec![Change::Replace {
                pointer: pointer.clone(),
                value: Yaml::raw(Value::String(raw.clone().into()).to_string()),
            }],
        })
    }
}

/// The root schema (by address: the same within one schema set) → shape of a path (see
/// [`Walk::shape`]) → the types its schema allows.
type Memo = FastMap<usize, FastMap<String, Option<Types>>>;

fn check(cx: &Context<'_>, set: &SchemaSet<'_>, object: &Object, memo: &mut Memo) -> Vec<Diagnostic> {
    let Some(root) = set.root(&object.api_version, &object.kind) else {
        return Vec::new();
    };
    let types = memo
        .entry(std::ptr::from_ref(root.schema) as usize)
        .or_default();
    let mut walk = Walk {
        cx,
        object,
        root: &root,
        tree: None,
        types,
        steps: Vec::new(),
        shape: String::new(),
        out: Vec::new(),
    };
    walk.value(&object.value);
    walk.out
}

/// One step down from an object's root.
#[derive(Clone, Copy)]
enum Step<'n> {
    Key(&'n str),
    Index(usize),
}

/// A walk over one object's value. The way down is kept as steps and turned into a
/// pointer only at the few values that need one: most are strings, or numbers and
/// booleans where the schema wants them. The span tree is read only for those left (and
/// its file parsed again only then, when the compile stage let it go).
struct Walk<'w, 'c, 'n> {
    cx: &'w Context<'c>,
    object: &'w Object,
    root: &'w Root<'w>,
    tree: Option<ObjectTree<'w>>,
    types: &'w mut FastMap<String, Option<Types>>,
    steps: Vec<Step<'n>>,
    shape: String,
    out: Vec<Diagnostic>,
}

impl<'w, 'n> Walk<'w, '_, 'n> {
    fn value(&mut self, value: &'n Value) {
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    self.steps.push(Step::Key(key.as_str()));
                    self.value(child);
                    self.steps.pop();
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    self.steps.push(Step::Index(i));
                    self.value(child);
                    self.steps.pop();
                }
            }
            Value::Bool(_) | Value::Number(_) | Value::Null => self.scalar(value),
            Value::String(_) => {}
        }
    }

    /// A value that is not a string. Cheapest tests first: most sit where the schema wants
    /// their type.
    fn scalar(&mut self, value: &Value) {
        self.shape();
        let types = match self.types.get(self.shape.as_str()) {
            Some(types) => *types,
            None => {
                let types = self.root.types_at(&self.pointer());
                self.types.insert(self.shape.clone(), types);
                types
            }
        };
        let Some(types) = types else {
            return;
        };
        if !types.allows_string() || types.allows(value) {
            return;
        }
        let pointer = self.pointer();
        let (graph, id) = (self.cx.graph, self.object.id);
        let tree = self.tree.get_or_insert_with(|| graph.object_tree(id));
        let Some((raw, resolved)) = implicit_type::typed_plain_scalar(graph, tree, &pointer) else {
            return;
        };
        if !implicit_type::quoting_fixes(self.root, &pointer, &raw) {
            return;
        }
        self.out
            .push(diagnostic(self.object, &pointer, &raw, resolved, value));
    }

    /// The way down with its list indexes blanked, into `self.shape`: the schema is the
    /// same for every item. Keys are escaped as in a pointer, so no two ways share a shape.
    fn shape(&mut self) {
        self.shape.clear();
        for step in &self.steps {
            match step {
                Step::Key(key) => {
                    self.shape.push_str("/k");
                    crate::base::pointer::push_escaped(&mut self.shape, key);
                }
                Step::Index(_) => self.shape.push_str("/#"),
            }
        }
    }

    /// The pointer of the way down.
    fn pointer(&self) -> Pointer {
        let mut pointer = Pointer::root();
        for step in &self.steps {
            match step {
                Step::Key(key) => pointer.push(key),
                Step::Index(i) => pointer.push_index(*i),
            }
        }
        pointer
    }
}

fn diagnostic(
    object: &Object,
    pointer: &Pointer,
    raw: &str,
    resolved: Resolved,
    value: &Value,
) -> Diagnostic {
    let read_as = match resolved {
        Resolved::Bool => format!("the boolean {value}"),
        Resolved::Null => "null".to_owned(),
        Resolved::Int => format!("the integer {value}"),
        _ => format!("the number {value}"),
    };
    let shown = if raw.is_empty() { "(empty)" } else { raw };
    let field = dotted(pointer);
    let quoted = crate::base::value::Value::String(raw.into()).to_string();
    let help = if raw.is_empty() {
        "write the string in quotes, or `\"\"` for an empty string".to_owned()
    } else {
        format!("quote it: {quoted}")
    };
    YAML_IMPLICIT_TYPE
        .at(
            object.id,
            pointer.clone(),
            format!("{field}: unquoted {shown} is read as {read_as}, but this field is a string"),
        )
        .with_help(help)
}
