//! Rules about building kustomizations: what cannot be built, and what is not built on
//! purpose. Both are reported by the kustomize stage, at the kustomization's line.

mod kustomize_error;
mod kustomize_unsupported;

pub use kustomize_error::KUSTOMIZE_ERROR;
pub use kustomize_unsupported::KUSTOMIZE_UNSUPPORTED;

use super::Rule;
use super::input::Reported;

/// The kustomize rules.
pub static RULES: &[&dyn Rule] = &[
    &Reported(&KUSTOMIZE_ERROR),
    &Reported(&KUSTOMIZE_UNSUPPORTED),
];
