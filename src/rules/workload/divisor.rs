//! The `divisor` of a Downward API `resourceFieldRef`: the API server accepts only a few
//! values per resource (K8S-SEMANTICS.md §B.5, §D). Only the value is compared, so a
//! divisor is refused here only when no spelling of its value could be accepted.

use serde_json::Value;

/// Decimal powers a memory-like divisor may be (`1`, `1k` … `1E`).
const DECIMAL: [f64; 7] = [1.0, 1e3, 1e6, 1e9, 1e12, 1e15, 1e18];

/// What is wrong with a divisor for a resource, if anything.
pub(crate) fn problem(resource: &str, divisor: &Value) -> Option<String> {
    let text = match divisor {
        Value::String(s) => s.trim().to_owned(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    // Unparsable quantities are the schema's; zero means "unset".
    let value = quantity(&text)?;
    if value == 0.0 {
        return None;
    }
    let name = resource.split_once('.').map_or(resource, |(_, n)| n);
    let (allowed, spelled): (Vec<f64>, &str) = if name == "cpu" {
        (vec![1e-3, 1.0], "1m and 1")
    } else if matches!(name, "memory" | "ephemeral-storage") || name.starts_with("hugepages-") {
        let binary = (1..=6).map(|k| 1024f64.powi(k));
        (
            DECIMAL.into_iter().chain(binary).collect(),
            "1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi and 1Ei",
        )
    } else {
        return None;
    };
    let close = |a: f64| (a - value).abs() <= a * 1e-9;
    (!allowed.into_iter().any(close)).then(|| {
        format!("divisor `{text}` is not supported for {resource}; the API accepts {spelled}")
    })
}

/// The value of a quantity (`1Mi`, `500m`, `1e3`), or `None` when it does not parse.
fn quantity(text: &str) -> Option<f64> {
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '+' || c == '-'))
        .unwrap_or(text.len());
    let (number, suffix) = text.split_at(split);
    let number: f64 = number.parse().ok()?;
    let factor = match suffix {
        "" => 1.0,
        "n" => 1e-9,
        "u" => 1e-6,
        "m" => 1e-3,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "P" => 1e15,
        "E" => 1e18,
        "Ki" => 1024f64,
        "Mi" => 1024f64.powi(2),
        "Gi" => 1024f64.powi(3),
        "Ti" => 1024f64.powi(4),
        "Pi" => 1024f64.powi(5),
        "Ei" => 1024f64.powi(6),
        s => {
            let exp: i32 = s.strip_prefix(['e', 'E'])?.parse().ok()?;
            10f64.powi(exp)
        }
    };
    Some(number * factor)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
