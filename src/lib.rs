//! k8lint: a Kubernetes manifest compiler and policy linter.
//!
//! The modules follow the pipeline: [`load`] → [`yaml`] (spans) → [`model`] → [`graph`]
//! (assembled by [`compile`]) → [`check`] (running [`rules`] and Rhai [`policy`] files) →
//! [`report`]; [`render`] prints the graph's objects normalized.

pub mod app;
pub mod base;
pub mod cache;
pub mod cel;
pub mod check;
pub mod cli;
pub mod compile;
pub mod config;
pub mod confine;
pub mod deadline;
pub mod edit;
pub mod escape;
pub mod fix;
pub mod graph;
pub mod helm;
pub mod kustomize;
pub mod load;
pub mod lsp;
pub mod model;
pub mod picture;
pub mod policy;
pub mod progress;
pub mod render;
pub mod report;
pub mod rules;
pub mod schema;
pub mod semantics;
pub mod versions;
pub mod yaml;
