//! The one way to reach the pod template of any workload, and typed views over pod specs
//! and containers. Views read the JSON value in place: a field of the wrong type reads as
//! absent, so invalid input still yields every other finding.

use std::sync::LazyLock;

use crate::base::value::{Map, Value};

use super::object::Object;
use crate::base::{Pointer, field, map_field};

/// The workload kinds that carry a pod template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WorkloadKind {
    /// core/v1 Pod: the object is the pod.
    Pod,
    /// core/v1 PodTemplate.
    PodTemplate,
    /// core/v1 ReplicationController.
    ReplicationController,
    /// apps ReplicaSet.
    ReplicaSet,
    /// apps Deployment.
    Deployment,
    /// apps StatefulSet.
    StatefulSet,
    /// apps DaemonSet.
    DaemonSet,
    /// batch Job.
    Job,
    /// batch CronJob.
    CronJob,
}

/// Where a kind's pod template sits: the keys to follow, and the pointers to the template
/// and to its spec.
struct TemplatePlace {
    path: &'static [&'static str],
    template: Pointer,
    spec: Pointer,
}

impl WorkloadKind {
    /// The workload kind of an object, if it is one (any served apiVersion of the kind).
    pub fn of(object: &Object) -> Option<WorkloadKind> {
        let g = object.group.as_str();
        Some(match (g, object.kind.as_str()) {
            ("", "Pod") => WorkloadKind::Pod,
            ("", "PodTemplate") => WorkloadKind::PodTemplate,
            ("", "ReplicationController") => WorkloadKind::ReplicationController,
            ("apps" | "extensions", "ReplicaSet") => WorkloadKind::ReplicaSet,
            ("apps" | "extensions", "Deployment") => WorkloadKind::Deployment,
            ("apps", "StatefulSet") => WorkloadKind::StatefulSet,
            ("apps" | "extensions", "DaemonSet") => WorkloadKind::DaemonSet,
            ("batch", "Job") => WorkloadKind::Job,
            ("batch", "CronJob") => WorkloadKind::CronJob,
            _ => return None,
        })
    }

    /// Where the pod template sits in the object (`""` for a Pod: its metadata and spec).
    pub fn template_pointer(self) -> &'static str {
        self.place().template.as_str()
    }

    /// Where the pod template sits. Built once: every workload rule asks for the template
    /// of every object it checks, tens of times per object in a run.
    fn place(self) -> &'static TemplatePlace {
        static PLACES: LazyLock<[TemplatePlace; 4]> = LazyLock::new(|| {
            [
                &[][..],
                &["template"][..],
                &["spec", "jobTemplate", "spec", "template"][..],
                &["spec", "template"][..],
            ]
            .map(|path| {
                let template = Pointer::from_tokens(path.iter().copied());
                TemplatePlace {
                    path,
                    spec: template.key("spec"),
                    template,
                }
            })
        });
        &PLACES[match self {
            WorkloadKind::Pod => 0,
            WorkloadKind::PodTemplate => 1,
            WorkloadKind::CronJob => 2,
            _ => 3,
        }]
    }

    /// Whether the pods run to completion (Job, CronJob).
    pub fn is_batch(self) -> bool {
        matches!(self, WorkloadKind::Job | WorkloadKind::CronJob)
    }

    /// Whether the controller keeps its pods running and selects them with `spec.selector`.
    pub fn has_selector(self) -> bool {
        matches!(
            self,
            WorkloadKind::ReplicationController
                | WorkloadKind::ReplicaSet
                | WorkloadKind::Deployment
                | WorkloadKind::StatefulSet
                | WorkloadKind::DaemonSet
        )
    }
}

/// The pod template of a workload: labels, annotations and the pod spec, with pointers.
#[derive(Debug, Clone)]
pub struct PodTemplate<'a> {
    /// The workload.
    pub object: &'a Object,
    /// Its kind.
    pub kind: WorkloadKind,
    /// Pointer to the template (`""` for a Pod): one per kind, built once.
    pub pointer: &'static Pointer,
    /// The template's metadata, if any.
    pub metadata: Option<&'a Map>,
    /// The pod spec.
    pub spec: PodSpec<'a>,
}

impl<'a> PodTemplate<'a> {
    /// The pod template of any workload; `None` for other kinds or a missing template.
    pub fn of(object: &'a Object) -> Option<PodTemplate<'a>> {
        let kind = WorkloadKind::of(object)?;
        let place = kind.place();
        let template = place
            .path
            .iter()
            .try_fold(&*object.value, |value, key| field(value, key))?
            .as_object()?;
        let metadata = map_field(template, "metadata").and_then(Value::as_object);
        let spec_value = map_field(template, "spec")?;
        spec_value.as_object()?;
        Some(PodTemplate {
            object,
            kind,
            spec: PodSpec {
                value: spec_value,
                pointer: &place.spec,
            },
            pointer: &place.template,
            metadata,
        })
    }

    /// The pods' labels.
    pub fn labels(&self) -> Option<&'a Map> {
        map_field(self.metadata?, "labels")?.as_object()
    }

    /// The pods' annotations.
    pub fn annotations(&self) -> Option<&'a Map> {
        map_field(self.metadata?, "annotations")?.as_object()
    }

    /// Pointer to the template's metadata.
    pub fn metadata_pointer(&self) -> Pointer {
        self.pointer.key("metadata")
    }

    /// The number of pods the workload runs, when it is fixed (`spec.replicas`, default 1).
    pub fn replicas(&self) -> Option<i64> {
        match self.kind {
            WorkloadKind::Pod => Some(1),
            WorkloadKind::Deployment
            | WorkloadKind::ReplicaSet
            | WorkloadKind::StatefulSet
            | WorkloadKind::ReplicationController => Some(
                self.object
                    .at("/spec/replicas")
                    .map_or(Some(1), Value::as_i64)
                    .unwrap_or(1),
            ),
            _ => None,
        }
    }
}

/// Which list a container is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ContainerKind {
    /// `initContainers`.
    Init,
    /// `containers`.
    Regular,
    /// `ephemeralContainers`.
    Ephemeral,
}

impl ContainerKind {
    /// The field that holds this kind of container.
    pub fn field(self) -> &'static str {
        match self {
            ContainerKind::Init => "initContainers",
            ContainerKind::Regular => "containers",
            ContainerKind::Ephemeral => "ephemeralContainers",
        }
    }
}

/// A pod spec and where it is.
#[derive(Debug, Clone)]
pub struct PodSpec<'a> {
    /// The spec's value.
    pub value: &'a Value,
    /// Pointer to it: one per workload kind, built once (a template is looked up hundreds
    /// of thousands of times on a large repository).
    pub pointer: &'static Pointer,
}

impl<'a> PodSpec<'a> {
    /// A field of the spec.
    pub fn get(&self, name: &str) -> Option<&'a Value> {
        field(self.value, name)
    }

    /// A string field of the spec.
    pub fn str(&self, name: &str) -> Option<&'a str> {
        field(self.value, name)?.as_str()
    }

    /// Containers of one list, with their pointers.
    pub fn containers_of(&self, kind: ContainerKind) -> impl Iterator<Item = Container<'a>> + '_ {
        let list = field(self.value, kind.field())
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        list.iter()
            .enumerate()
            .filter(|(_, c)| c.is_object())
            .map(move |(index, value)| Container {
                value,
                kind,
                index,
                pointer: {
                    let mut pointer = self.pointer.key(kind.field());
                    pointer.push_index(index);
                    pointer
                },
            })
    }

    /// Regular containers.
    pub fn containers(&self) -> impl Iterator<Item = Container<'a>> + '_ {
        self.containers_of(ContainerKind::Regular)
    }

    /// Init, regular, then ephemeral containers.
    pub fn all_containers(&self) -> impl Iterator<Item = Container<'a>> + '_ {
        self.containers_of(ContainerKind::Init)
            .chain(self.containers_of(ContainerKind::Regular))
            .chain(self.containers_of(ContainerKind::Ephemeral))
    }

    /// The containers that keep running and may serve traffic: regular containers, then
    /// sidecars, the order in which Services resolve named ports.
    pub fn serving_containers(&self) -> impl Iterator<Item = Container<'a>> + '_ {
        self.containers().chain(
            self.containers_of(ContainerKind::Init)
                .filter(Container::is_sidecar),
        )
    }

    /// Pod volumes with their index.
    pub fn volumes(&self) -> impl Iterator<Item = (usize, &'a Value)> + '_ {
        field(self.value, "volumes")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[])
            .iter()
            .enumerate()
    }

    /// `restartPolicy` as written.
    pub fn restart_policy(&self) -> Option<&'a str> {
        self.str("restartPolicy")
    }
}

/// One container of a pod spec.
#[derive(Debug, Clone)]
pub struct Container<'a> {
    /// The container's value (a mapping).
    pub value: &'a Value,
    /// Which list it is in.
    pub kind: ContainerKind,
    /// Its index in that list.
    pub index: usize,
    /// Pointer to it.
    pub pointer: Pointer,
}

impl<'a> Container<'a> {
    /// `name`.
    pub fn name(&self) -> Option<&'a str> {
        field(self.value, "name")?.as_str()
    }

    /// A field.
    pub fn get(&self, name: &str) -> Option<&'a Value> {
        field(self.value, name)
    }

    /// A list field, empty when absent or not a list.
    pub fn list(&self, name: &str) -> &'a [Value] {
        field(self.value, name)
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// Declared `ports` with their index.
    pub fn ports(&self) -> impl Iterator<Item = (usize, &'a Value)> {
        self.list("ports").iter().enumerate()
    }

    /// The declared port whose `name` is `name`, with its index in `ports`.
    pub fn port_named(&self, name: &str) -> Option<(usize, &'a Value)> {
        self.ports()
            .find(|(_, p)| p.get("name").and_then(Value::as_str) == Some(name))
    }

    /// Whether some declared port has this `containerPort`.
    pub fn declares_port_number(&self, number: i64) -> bool {
        self.ports()
            .any(|(_, p)| p.get("containerPort").and_then(Value::as_i64) == Some(number))
    }

    /// An init container that keeps running beside the app (`restartPolicy: Always`).
    pub fn is_sidecar(&self) -> bool {
        self.kind == ContainerKind::Init
            && self.value.get("restartPolicy").and_then(Value::as_str) == Some("Always")
    }

    /// A name for messages: `container web`, `init container setup`.
    pub fn describe(&self) -> String {
        let what = match self.kind {
            ContainerKind::Init => "init container",
            ContainerKind::Regular => "container",
            ContainerKind::Ephemeral => "ephemeral container",
        };
        match self.name() {
            Some(n) => format!("{what} {n}"),
            None => format!("{what} #{}", self.index + 1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_places_its_template_the_same_three_ways() {
        for kind in [
            WorkloadKind::Pod,
            WorkloadKind::PodTemplate,
            WorkloadKind::ReplicationController,
            WorkloadKind::ReplicaSet,
            WorkloadKind::Deployment,
            WorkloadKind::StatefulSet,
            WorkloadKind::DaemonSet,
            WorkloadKind::Job,
            WorkloadKind::CronJob,
        ] {
            let place = kind.place();
            let written = match kind {
                WorkloadKind::Pod => "",
                WorkloadKind::PodTemplate => "/template",
                WorkloadKind::CronJob => "/spec/jobTemplate/spec/template",
                _ => "/spec/template",
            };
            let joined: String = place.path.iter().map(|k| format!("/{k}")).collect();
            assert_eq!(joined, written, "{kind:?}");
            assert_eq!(kind.template_pointer(), written, "{kind:?}");
            assert_eq!(place.spec.as_str(), format!("{written}/spec"), "{kind:?}");
        }
    }
}
