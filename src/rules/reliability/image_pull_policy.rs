use crate::base::value::Value;

use crate::base::Diagnostic;
use crate::declare_rule;
use crate::model::{Object, PodTemplate};
use crate::rules::{Context, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Reports a container whose image has no tag or the tag `latest` (and no digest)
    /// while `imagePullPolicy` is `IfNotPresent` or `Never`.
    ///
    /// ## Why is this bad?
    /// `latest` is meant to move, but these policies use whatever copy a node already
    /// has: pods of one workload run different code depending on the node, and a new
    /// push never arrives on nodes that pulled before (with `Never`, a node without the
    /// image cannot start the pod at all). Without a policy, Kubernetes picks `Always`
    /// for `latest`.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - {name: web, image: "registry.example.com/web:latest", imagePullPolicy: IfNotPresent}
    /// ```
    ///
    /// Use instead: a version tag or digest (`web:1.4.2`), or `imagePullPolicy: Always`.
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/containers/images/#image-pull-policy>
    pub static IMAGE_PULL_POLICY = {
        id: "image-pull-policy",
        severity: Warning,
        category: Reliability,
        summary: "an untagged or latest image with imagePullPolicy IfNotPresent or Never",
        help: "pin the image to a version tag or digest, or use imagePullPolicy: Always",
        scope: Object,
    }
}

/// Checks image tags against pull policies.
pub struct ImagePullPolicy;

/// Whether an image reference means `latest`: no digest and no tag, or the tag `latest`.
fn means_latest(image: &str) -> bool {
    let image = image.trim();
    if image.is_empty() || image.contains('@') || image.contains(['$', '{', '<']) {
        return false;
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.split_once(':') {
        None => true,
        Some((_, tag)) => tag == "latest",
    }
}

impl Rule for ImagePullPolicy {
    fn meta(&self) -> &'static RuleMeta {
        &IMAGE_PULL_POLICY
    }

    fn check_object(&self, _cx: &Context<'_>, object: &Object, out: &mut Vec<Diagnostic>) {
        let Some(template) = PodTemplate::of(object) else {
            return;
        };
        for c in template.spec.all_containers() {
            let policy = c.get("imagePullPolicy").and_then(Value::as_str);
            let image = c.get("image").and_then(Value::as_str).unwrap_or("");
            if let Some(policy @ ("IfNotPresent" | "Never")) = policy {
                if means_latest(image) {
                    out.push(IMAGE_PULL_POLICY.at(object.id,
                        c.pointer.key("imagePullPolicy"),
                        format!(
                            "{} runs `{image}` (latest) with imagePullPolicy {policy}: nodes keep whichever copy they pulled first",
                            c.describe()
                        ),
                    ));
                }
            }
        }
    }
}
