//! Storage: claims, volumes and classes, with the PV controller's binding simulated over
//! the inputs (K8S-SEMANTICS.md §C.5).

mod pv_binding_conflict;
mod pvc_ref;
mod pvc_unbindable;
mod report;
mod rwo_volume_shared;
mod storage_class_unknown;
mod volume_claim_template_unused;

pub use pv_binding_conflict::PV_BINDING_CONFLICT;
pub use pvc_ref::PVC_REF;
pub use pvc_unbindable::PVC_UNBINDABLE;
pub use rwo_volume_shared::RWO_VOLUME_SHARED;
pub use storage_class_unknown::STORAGE_CLASS_UNKNOWN;
pub use volume_claim_template_unused::VOLUME_CLAIM_TEMPLATE_UNUSED;

use super::Rule;

/// The storage rules.
pub static RULES: &[&dyn Rule] = &[
    &pvc_ref::PvcRef,
    &pvc_unbindable::PvcUnbindable,
    &pv_binding_conflict::PvBindingConflict,
    &storage_class_unknown::StorageClassUnknown,
    &rwo_volume_shared::RwoVolumeShared,
    &volume_claim_template_unused::VolumeClaimTemplateUnused,
];
