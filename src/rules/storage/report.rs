//! Folding the findings of a StatefulSet's generated claims: one finding per template
//! node, not one per ordinal.

use std::collections::HashMap;

use crate::base::{Diagnostic, Location};

/// Keeps the first finding at each location and notes how many more claims share it.
pub fn fold(found: Vec<Diagnostic>, out: &mut Vec<Diagnostic>) {
    let mut first: HashMap<(String, String), (usize, usize)> = HashMap::new();
    let mut kept: Vec<Diagnostic> = Vec::new();
    for d in found {
        let key = match &d.location {
            Location::Object { object, pointer } => (
                format!("{}:{}", d.rule, object.0),
                pointer.as_str().to_owned(),
            ),
            Location::File { .. } => {
                kept.push(d);
                continue;
            }
        };
        match first.get_mut(&key) {
            Some((_, extra)) => *extra += 1,
            None => {
                first.insert(key, (kept.len(), 0));
                kept.push(d);
            }
        }
    }
    for (index, extra) in first.into_values() {
        if extra > 0 {
            let d = &mut kept[index];
            d.message = format!(
                "{} (and {extra} more claim{} from this template)",
                d.message,
                if extra == 1 { "" } else { "s" }
            );
        }
    }
    out.extend(kept);
}
