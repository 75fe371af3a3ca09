//! The standard cron parser the API server uses for `spec.schedule`: exactly five fields
//! (minute, hour, day of month, month, day of week) separated by blanks, or a descriptor
//! (`@yearly`, `@annually`, `@monthly`, `@weekly`, `@daily`, `@midnight`, `@hourly`,
//! `@every <duration>`). A field is a comma list of `*` or `?`, `N`, `N-M`, each with an
//! optional `/step`; months and weekdays also take three-letter names.

/// One field's bounds and names.
struct Field {
    name: &'static str,
    min: u32,
    max: u32,
    names: &'static [&'static str],
}

const MONTHS: &[&str] = &[
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];
const DAYS: &[&str] = &["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

const FIELDS: [Field; 5] = [
    Field {
        name: "minute",
        min: 0,
        max: 59,
        names: &[],
    },
    Field {
        name: "hour",
        min: 0,
        max: 23,
        names: &[],
    },
    Field {
        name: "day of month",
        min: 1,
        max: 31,
        names: &[],
    },
    Field {
        name: "month",
        min: 1,
        max: 12,
        names: MONTHS,
    },
    Field {
        name: "day of week",
        min: 0,
        max: 6,
        names: DAYS,
    },
];

const DESCRIPTORS: &[&str] = &[
    "@yearly",
    "@annually",
    "@monthly",
    "@weekly",
    "@daily",
    "@midnight",
    "@hourly",
];

/// Checks a schedule; the error says what the parser refuses.
pub fn parse_schedule(schedule: &str) -> Result<(), String> {
    let s = schedule.trim();
    if s.is_empty() {
        return Err("the schedule is empty".to_owned());
    }
    if s.starts_with('@') {
        return descriptor(s);
    }
    let fields: Vec<&str> = s.split_whitespace().collect();
    if fields.len() != 5 {
        return Err(format!(
            "expected exactly 5 fields (minute hour day-of-month month day-of-week), found {}: {s}",
            fields.len()
        ));
    }
    for (text, field) in fields.iter().zip(FIELDS.iter()) {
        for part in text.split(',') {
            range(part, field).map_err(|e| format!("{} field `{text}`: {e}", field.name))?;
        }
    }
    Ok(())
}

fn descriptor(s: &str) -> Result<(), String> {
    if DESCRIPTORS.contains(&s) {
        return Ok(());
    }
    if let Some(duration) = s.strip_prefix("@every ") {
        return go_duration(duration.trim())
            .map_err(|e| format!("failed to parse duration {s}: {e}"));
    }
    Err(format!("unrecognized descriptor: {s}"))
}

/// One `*`, `N`, `N-M`, with an optional `/step`.
fn range(part: &str, field: &Field) -> Result<(), String> {
    let (span, step) = match part.split_once('/') {
        Some((span, step)) => (span, Some(step)),
        None => (part, None),
    };
    if step.is_some_and(|s| s.contains('/')) {
        return Err(format!("too many slashes: {part}"));
    }
    let (start, end) = if span == "*" || span == "?" {
        (field.min, field.max)
    } else {
        let (low, high) = match span.split_once('-') {
            Some((low, high)) => (low, Some(high)),
            None => (span, None),
        };
        if high.is_some_and(|h| h.contains('-')) {
            return Err(format!("too many hyphens: {part}"));
        }
        let start = value(low, field)?;
        let end = match high {
            Some(h) => value(h, field)?,
            // `N/step` runs from N to the field's maximum.
            None if step.is_some() => field.max,
            None => start,
        };
        (start, end)
    };
    if let Some(step) = step {
        let n = number(step)?;
        if n == 0 {
            return Err(format!("step of range should be a positive number: {part}"));
        }
    }
    if start < field.min {
        return Err(format!(
            "beginning of range ({start}) below minimum ({}): {part}",
            field.min
        ));
    }
    if end > field.max {
        return Err(format!(
            "end of range ({end}) above maximum ({}): {part}",
            field.max
        ));
    }
    if start > end {
        return Err(format!(
            "beginning of range ({start}) beyond end of range ({end}): {part}"
        ));
    }
    Ok(())
}

/// A number or, for months and weekdays, a three-letter name (any case).
fn value(text: &str, field: &Field) -> Result<u32, String> {
    let lower = text.to_ascii_lowercase();
    if let Some(i) = field.names.iter().position(|n| *n == lower) {
        // Months count from 1, weekdays from 0 (Sunday).
        return Ok(i as u32 + field.min);
    }
    number(text)
}

fn number(text: &str) -> Result<u32, String> {
    if text.starts_with('-') {
        return Err(format!("negative number ({text}) not allowed"));
    }
    text.strip_prefix('+')
        .unwrap_or(text)
        .parse::<u32>()
        .map_err(|_| format!("failed to parse int from {text}"))
}

/// A Go duration: a sequence of decimal numbers with units ns, us, µs, ms, s, m, h.
fn go_duration(text: &str) -> Result<(), String> {
    let mut rest = text;
    if rest.is_empty() {
        return Err("empty duration".to_owned());
    }
    if rest == "0" {
        return Ok(());
    }
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if digits == 0 {
            return Err(format!("invalid duration {text}"));
        }
        rest = &rest[digits..];
        let unit = ["ns", "us", "µs", "ms", "s", "m", "h"]
            .iter()
            .find(|u| rest.starts_with(**u) && !(**u == "m" && rest.starts_with("ms")))
            .ok_or_else(|| format!("missing or unknown unit in duration {text}"))?;
        rest = &rest[unit.len()..];
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::parse_schedule;

    #[test]
    fn accepts_what_the_server_accepts() {
        for ok in [
            "*/5 * * * *",
            "0 3 * * MON-FRI",
            "0 0 1 JAN,jul ?",
            "5/15 1-10/2 * * 0",
            "@hourly",
            "@every 1h30m",
            "0 0 31 2 *",
        ] {
            assert_eq!(parse_schedule(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn refuses_what_the_server_refuses() {
        for bad in [
            "* * * *",
            "0 0 * * * *",
            "61 * * * *",
            "0 24 * * *",
            "0 0 0 * *",
            "0 0 * 13 *",
            "0 0 * * 7",
            "*/0 * * * *",
            "5-1 * * * *",
            "@fortnightly",
            "@every 1x",
            "0 0 * * MONDAY",
            "",
        ] {
            assert!(parse_schedule(bad).is_err(), "{bad}");
        }
    }
}
