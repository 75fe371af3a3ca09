use crate::base::value::Value;

use crate::base::Diagnostic;
use crate::declare_rule;
use crate::model::{Object, PodTemplate};
use crate::rules::{Context, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Reports a container `image` that has neither a tag nor a digest (`nginx`, which
    /// means `nginx:latest`) or whose tag is `latest`. An image pinned by digest
    /// (`nginx@sha256:…`) is never reported. The tag is the text after the last `:` of
    /// the last path segment, so registry ports (`registry:5000/app`) are not tags. A
    /// last segment that is an unfilled placeholder (`$IMAGE`, `${IMAGE}`, `<image>`)
    /// without a tag is skipped.
    ///
    /// ## Why is this bad?
    /// `latest` moves: two pods of the same workload can run different code, a rollback
    /// does not roll back, and `imagePullPolicy` defaults to `Always`, so every start
    /// depends on the registry.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - {name: web, image: nginx}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// containers:
    ///   - {name: web, image: "nginx:1.27.2"}
    /// ```
    ///
    /// ## References
    /// - Images: image names and tags: https://kubernetes.io/docs/concepts/containers/images/#image-names
    /// - Images: image pull policy: https://kubernetes.io/docs/concepts/containers/images/#image-pull-policy
    pub static IMAGE_TAG = {
        id: "image-tag",
        severity: Warning,
        category: Workload,
        summary: "an image has no tag and no digest, or the tag latest",
        help: "pin the image to a version tag or a digest",
        scope: Object,
    }
}

/// Checks every container image's tag.
pub struct ImageTag;

/// What is wrong with an image reference's tag, if anything.
fn tag_problem(image: &str) -> Option<&'static str> {
    let image = image.trim();
    if image.is_empty() || image.contains('@') {
        return None;
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.split_once(':') {
        // `$IMAGE`, `${IMAGE_URI}`, `<YOUR-IMAGE>`: a placeholder filled in before apply.
        None if last.contains(['$', '{', '<']) => None,
        None => Some("has no tag, so it means `latest`"),
        Some((_, "latest")) => Some("uses the tag `latest`"),
        Some(_) => None,
    }
}

impl Rule for ImageTag {
    fn meta(&self) -> &'static RuleMeta {
        &IMAGE_TAG
    }

    fn check_object(&self, _cx: &Context<'_>, object: &Object, out: &mut Vec<Diagnostic>) {
        let Some(template) = PodTemplate::of(object) else {
            return;
        };
        for c in template.spec.all_containers() {
            let Some(image) = c.get("image").and_then(Value::as_str) else {
                continue;
            };
            if let Some(problem) = tag_problem(image) {
                out.push(IMAGE_TAG.at(
                    object.id,
                    c.pointer.key("image"),
                    format!("image `{image}` of {} {problem}", c.describe()),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::tag_problem;

    #[test]
    fn tags_digests_and_registry_ports() {
        assert!(tag_problem("nginx").is_some());
        assert!(tag_problem("nginx:latest").is_some());
        assert!(tag_problem("registry:5000/team/app").is_some());
        assert!(tag_problem("registry:5000/team/app:1.2").is_none());
        assert!(tag_problem("nginx@sha256:abcd").is_none());
        assert!(tag_problem("nginx:1.27").is_none());
        assert!(tag_problem("").is_none());
        assert!(tag_problem("${IMAGE_URI}").is_none());
        assert!(tag_problem("<YOUR-CONTAINER>").is_none());
        assert!(tag_problem("gcr.io/$PROJECT/app:latest").is_some());
    }
}
