//! Typed objects: identity, pointers, selectors, and views of pod templates.

pub mod object;
pub mod selector;
pub mod workload;

pub use object::{Object, ObjectKeyRef};
pub use selector::Selector;
pub use workload::{Container, ContainerKind, PodSpec, PodTemplate, WorkloadKind};
