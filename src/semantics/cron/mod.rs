//! CronJob schedules and time zones as the API server validates them: the schedule is
//! parsed by the standard cron parser (five fields, or a `@` descriptor), and `timeZone`
//! must name a zone of the IANA database (the server loads it; `Local` is refused).

mod schedule;

pub use schedule::parse_schedule;

/// The IANA zone names, one a line, generated from the tzdata package by
/// `scripts/gen_time_zones.py`.
const ZONES: &str = include_str!("zones.txt");

/// Why a `timeZone` value is refused, if it is.
pub fn time_zone_problem(zone: &str) -> Option<String> {
    if zone.is_empty() {
        return Some("timeZone must be omitted or a non-empty zone name".to_owned());
    }
    if zone.eq_ignore_ascii_case("local") {
        return Some(
            "timeZone must be an explicit IANA time zone, not `Local` (the controller's own zone)"
                .to_owned(),
        );
    }
    if ZONES.lines().any(|z| z == zone) {
        return None;
    }
    let hint = ZONES
        .lines()
        .find(|z| z.eq_ignore_ascii_case(zone))
        .map(|z| format!(" (zone names are case-sensitive: did you mean `{z}`?)"))
        .unwrap_or_default();
    Some(format!("unknown time zone `{zone}`{hint}"))
}

#[cfg(test)]
mod tests {
    use super::time_zone_problem;

    #[test]
    fn zones() {
        assert_eq!(time_zone_problem("Europe/Paris"), None);
        assert_eq!(time_zone_problem("Etc/UTC"), None);
        assert_eq!(time_zone_problem("UTC"), None);
        assert!(time_zone_problem("Local").is_some());
        assert!(time_zone_problem("Europe/Pariss").is_some());
        assert!(time_zone_problem("europe/paris").is_some_and(|m| m.contains("Europe/Paris")));
    }
}
