//! Typed objects: identity, pointers, selectors, and views of pod templates.

pub mod object;
pub mod pointer;
pub mod quantity;
pub mod selector;
pub mod workload;

pub use object::{DocId, Object, ObjectId, ObjectKey};
pub use pointer::Pointer;
pub use selector::Selector;
pub use workload::{Container, ContainerKind, PodSpec, PodTemplate, WorkloadKind};
