//! CEL, evaluated offline: CustomResourceDefinition validation rules ([`crd`]) and the
//! expressions of ValidatingAdmissionPolicies (see `semantics::admission`), on the `cel`
//! interpreter with the Kubernetes CEL libraries of `kube-cel`.
//!
//! What cannot be evaluated offline is said, never passed silently: a function or macro
//! the engine lacks (`sortBy`, `cel.bind`, two-variable comprehensions) and the
//! `authorizer` variable make a `cel-unsupported` finding; transition rules (`oldSelf`)
//! have no old object and are skipped, which is said once per CRD. The cost budget is
//! the static estimate: a rule estimated over it is the CRD's error and is not
//! evaluated (the interpreter cannot stop an evaluation half way).

pub mod compat;
pub mod crd;
pub mod expr;
pub mod index;
pub mod path;
