//! The `divisor` of a Downward API `resourceFieldRef`: the API server accepts only a few
//! values per resource. Only the value is compared, so a
//! divisor is refused here only when no spelling of its value could be accepted.

use crate::base::value::Value;

use crate::semantics::quantity::Quantity;

/// One unit, in the nano-units quantities are counted in.
const ONE: i128 = 1_000_000_000;

/// What is wrong with a divisor for a resource, if anything.
pub fn problem(resource: &str, divisor: &Value) -> Option<String> {
    let text = match divisor {
        Value::String(s) => s.trim().to_owned(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    // Unparsable quantities are the schema's; zero means "unset".
    let value = Quantity::parse(&text).ok()?.nano();
    if value == 0 {
        return None;
    }
    let name = resource.split_once('.').map_or(resource, |(_, n)| n);
    let (allowed, spelled): (Vec<i128>, &str) = if name == "cpu" {
        (vec![ONE / 1000, ONE], "1m and 1")
    } else if matches!(name, "memory" | "ephemeral-storage") || name.starts_with("hugepages-") {
        let decimal = (0..=6).map(|k| ONE * 1000i128.pow(k));
        let binary = (1..=6).map(|k| ONE * 1024i128.pow(k));
        (
            decimal.chain(binary).collect(),
            "1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi and 1Ei",
        )
    } else {
        return None;
    };
    (!allowed.contains(&value)).then(|| {
        format!("divisor `{text}` is not supported for {resource}; the API accepts {spelled}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    #[test]
    fn cpu_divisors() {
        assert!(problem("limits.cpu", &json!("1m")).is_none());
        assert!(problem("limits.cpu", &json!("1")).is_none());
        assert!(problem("limits.cpu", &json!(1)).is_none());
        assert!(problem("requests.cpu", &json!("0.001")).is_none());
        assert!(problem("requests.cpu", &json!("100m")).is_some());
        assert!(problem("requests.cpu", &json!("1Mi")).is_some());
    }

    #[test]
    fn memory_divisors() {
        for ok in ["1", "1k", "1M", "1Mi", "1Gi", "1Ei", "1000", "1024Ki", "0"] {
            assert!(problem("limits.memory", &json!(ok)).is_none(), "{ok}");
        }
        for bad in ["1m", "2Mi", "500", "1.5Gi"] {
            assert!(
                problem("requests.ephemeral-storage", &json!(bad)).is_some(),
                "{bad}"
            );
        }
        assert!(problem("limits.hugepages-2Mi", &json!("3")).is_some());
        assert!(problem("limits.memory", &json!("bogus")).is_none());
    }
}
