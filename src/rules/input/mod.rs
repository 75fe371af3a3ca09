//! Rules about reading the input: YAML syntax, duplicate keys, unrendered templates,
//! documents without a kind, duplicate objects, unused suppressions. The first five
//! are found while the input is compiled: their files hold the checks that the compile
//! driver calls.

mod duplicate_object;
mod internal_error;
pub mod missing_kind;
pub mod template_error;
pub mod template_syntax;
mod unused_suppression;
pub mod yaml_duplicate_key;
pub mod yaml_syntax;

pub use duplicate_object::DUPLICATE_OBJECT;
pub use internal_error::INTERNAL_ERROR;
pub use missing_kind::MISSING_KIND;
pub use template_error::TEMPLATE_ERROR;
pub use template_syntax::TEMPLATE_SYNTAX;
pub use unused_suppression::UNUSED_SUPPRESSION;
pub use yaml_duplicate_key::YAML_DUPLICATE_KEY;
pub use yaml_syntax::YAML_SYNTAX;

use super::{Rule, RuleMeta};

/// A rule that an earlier stage reports: it has metadata and docs but no check of its own.
pub struct Reported(pub &'static RuleMeta);

impl Rule for Reported {
    fn meta(&self) -> &'static RuleMeta {
        self.0
    }
}

/// The input rules. `internal-error` is not among them: it reports bugs, it cannot be
/// selected or suppressed, and no fixture can make it fire.
pub static RULES: &[&dyn Rule] = &[
    &Reported(&YAML_SYNTAX),
    &yaml_duplicate_key::YamlDuplicateKey,
    &Reported(&TEMPLATE_SYNTAX),
    &Reported(&TEMPLATE_ERROR),
    &Reported(&MISSING_KIND),
    &duplicate_object::DuplicateObject,
    &Reported(&UNUSED_SUPPRESSION),
];
