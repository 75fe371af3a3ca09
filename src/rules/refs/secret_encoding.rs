use crate::base::value::Value;

use crate::base::{Diagnostic, Pointer};
use crate::declare_rule;
use crate::model::Object;
use crate::rules::{Context, Rule, RuleMeta};

use super::data::{decode_base64, entries};

declare_rule! {
    /// ## What it does
    /// Reports a Secret `data` value that is not valid standard base64: the alphabet
    /// `A-Z a-z 0-9 + /` with `=` padding; line breaks are ignored, the URL-safe alphabet
    /// (`-`, `_`) and missing padding are not accepted.
    ///
    /// ## Why is this bad?
    /// The API server cannot decode the request and rejects the whole Secret (400 Bad
    /// Request). Plain text belongs in `stringData`, which is encoded for you.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Secret
    /// metadata: {name: db}
    /// data:
    ///   password: hunter2
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// stringData:
    ///   password: hunter2
    /// ```
    ///
    /// ## References
    /// - Secrets: https://kubernetes.io/docs/concepts/configuration/secret/
    pub static SECRET_ENCODING = {
        id: "secret-encoding",
        severity: Error,
        category: Config,
        summary: "a Secret data value is not valid base64",
        help: "base64-encode the value (`base64 -w0`), or move it to stringData as plain text",
        scope: Object,
    }
}

/// Decodes every `data` value of a Secret.
pub struct SecretEncoding;

impl Rule for SecretEncoding {
    fn meta(&self) -> &'static RuleMeta {
        &SECRET_ENCODING
    }

    fn check_object(&self, _cx: &Context<'_>, object: &Object, out: &mut Vec<Diagnostic>) {
        if !object.is("", "Secret") {
            return;
        }
        for (key, value) in entries(&object.value, "data") {
            // Non-strings (and null, an empty value) are the schema's to report.
            let Value::String(text) = value else { continue };
            if decode_base64(text).is_some() {
                continue;
            }
            out.push(SECRET_ENCODING.at(
                object.id,
                Pointer::root().key("data").key(key),
                format!("the value of {key} is not valid base64"),
            ));
        }
    }
}
