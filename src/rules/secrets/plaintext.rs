use crate::base::value::Value;

use crate::base::Pointer;
use crate::base::{Diagnostic, Severity};
use crate::declare_rule;
use crate::model::{Object, PodTemplate};
use crate::rules::{Context, Rule, RuleMeta};
use crate::semantics::secrets::{Credential, classify};

declare_rule! {
    /// ## What it does
    /// Looks for credentials in plain text in container env `value`s, ConfigMap `data`
    /// and annotations of every kind except Secret:
    /// - a known token format anywhere in the value (AWS access key ids `AKIA…`, GitHub
    ///   `ghp_`/`gho_`/`github_pat_` tokens, Slack `xox…` tokens, Google `AIza…` API keys,
    ///   Stripe `sk_live_` keys, JSON Web Tokens) or a PEM private key block: an error;
    /// - a random-looking value (one token of 12+ characters, mixed character classes,
    ///   high Shannon entropy) under a name that says credential (`password`, `secret`,
    ///   `token`, `api_key`, `client_secret` …, but not `TOKEN_PATH` or `secretName`):
    ///   a warning.
    ///
    /// Placeholders are never reported: templating (`{{ … }}`, `${VAR}`, `$(VAR)`),
    /// `<your-token>`, vendor documentation samples (`AKIAIOSFODNN7EXAMPLE`), words such as
    /// `changeme`, `password`, `example`, and base64 of plain words.
    ///
    /// ## Why is this bad?
    /// Anyone who can read the repository, the ConfigMap or the pod spec (`get pods` is
    /// granted far more widely than `get secrets`) has the credential, and it stays in the
    /// version history after it is removed. Rotate it.
    ///
    /// ## Example
    /// ```yaml
    /// env:
    ///   - name: GITHUB_TOKEN
    ///     value: ghp_6kQ2mZ8xR4tL9vB3nW7yC1pE5hJ0aS2dF4gH
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// env:
    ///   - name: GITHUB_TOKEN
    ///     valueFrom: {secretKeyRef: {name: github, key: token}}
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/configuration/secret/>
    /// - <https://kubernetes.io/docs/concepts/security/secrets-good-practices/>
    pub static SECRET_IN_PLAINTEXT = {
        id: "secret-in-plaintext",
        severity: Error,
        category: Security,
        summary: "a credential is written in plain text in an env value, ConfigMap or annotation",
        help: "move the value into a Secret, reference it with secretKeyRef or a volume, and rotate it",
        scope: Object,
    }
}

/// Classifies env values, ConfigMap data and annotations.
pub struct SecretInPlaintext;

/// The annotation that repeats the whole object: its fields are checked themselves.
const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

impl Rule for SecretInPlaintext {
    fn meta(&self) -> &'static RuleMeta {
        &SECRET_IN_PLAINTEXT
    }

    fn check_object(&self, _cx: &Context<'_>, object: &Object, out: &mut Vec<Diagnostic>) {
        if object.is("", "Secret") {
            return;
        }
        // Where and what a value is, written out only for a finding: nearly every value
        // is harmless.
        let mut report = |name: &str, value: &str, place: &dyn Fn() -> (Pointer, String)| {
            if let Some(found) = classify(name, value) {
                let (pointer, what) = place();
                out.push(finding(object, pointer, &what, &found));
            }
        };
        if let Some(annotations) = object.annotations() {
            let base = Pointer::root().path("metadata/annotations");
            for (key, value) in annotations {
                if key == LAST_APPLIED {
                    continue;
                }
                if let Some(v) = value.as_str() {
                    report(key, v, &|| (base.key(key), format!("annotation `{key}`")));
                }
            }
        }
        if object.is("", "ConfigMap") {
            if let Some(data) = object.at("/data").and_then(Value::as_object) {
                let base = Pointer::root().key("data");
                for (key, value) in data {
                    if let Some(v) = value.as_str() {
                        report(key, v, &|| (base.key(key), format!("ConfigMap key `{key}`")));
                    }
                }
            }
        }
        let Some(template) = PodTemplate::of(object) else {
            return;
        };
        for c in template.spec.all_containers() {
            for (i, env) in c.list("env").iter().enumerate() {
                let (Some(name), Some(value)) = (
                    env.get("name").and_then(Value::as_str),
                    env.get("value").and_then(Value::as_str),
                ) else {
                    continue;
                };
                report(name, value, &|| {
                    (
                        c.pointer.key("env").index(i).key("value"),
                        format!("env var `{name}` of {}", c.describe()),
                    )
                });
            }
        }
    }
}

fn finding(object: &Object, pointer: Pointer, what: &str, found: &Credential) -> Diagnostic {
    match found {
        Credential::Known(kind) => SECRET_IN_PLAINTEXT.at(object.id,
            pointer,
            format!("{what} holds a credential in plain text: {kind}"),
        ),
        Credential::HighEntropy(word) => SECRET_IN_PLAINTEXT.at(object.id,
            pointer,
            format!(
                "{what} holds a random-looking value in plain text, and its name says it is a credential ({word})"
            ),
        )
        .with_severity(Severity::Warning),
    }
}
