//! Storage: claims, volumes and classes, with the PV controller's binding simulated over
//! the inputs.

rules! {
    /// The storage rules.
    pvc_ref::PvcRef,
    pvc_unbindable::PvcUnbindable,
    pv_binding_conflict::PvBindingConflict,
    storage_class_unknown::StorageClassUnknown,
    rwo_volume_shared::RwoVolumeShared,
    volume_claim_template_unused::VolumeClaimTemplateUnused,
}

mod report;
