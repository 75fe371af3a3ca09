//! PersistentVolumeClaims and PersistentVolumes: every claim a manifest makes (including
//! StatefulSet claim templates and ephemeral volumes) and the binder that pairs them.

pub mod binder;
pub mod claims;
pub mod pools;
