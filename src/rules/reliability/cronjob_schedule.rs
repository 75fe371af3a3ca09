use crate::base::value::Value;

use crate::base::Pointer;
use crate::base::{Diagnostic, Severity};
use crate::declare_rule;
use crate::model::Object;
use crate::rules::{Context, Rule, RuleMeta};
use crate::semantics::cron::{parse_schedule, time_zone_problem};

declare_rule! {
    /// ## What it does
    /// Checks a CronJob's timing fields as the API server validates them:
    /// - `schedule` must parse with the standard cron parser: five fields (minute 0–59,
    ///   hour 0–23, day of month 1–31, month 1–12 or `JAN`–`DEC`, day of week 0–6 or
    ///   `SUN`–`SAT`), each a comma list of `*`, `?`, `N` or `N-M` with an optional
    ///   `/step`; or a descriptor `@yearly`, `@annually`, `@monthly`, `@weekly`, `@daily`,
    ///   `@midnight`, `@hourly`, `@every <duration>`.
    /// - `TZ=` or `CRON_TZ=` in the schedule: rejected on create from Kubernetes 1.29
    ///   (use `timeZone`); 1.22 to 1.28 accept it with a warning (reported as a warning);
    ///   before 1.22 the prefix is read as a sixth field (an invalid schedule).
    /// - `timeZone` must be a name of the IANA time zone database (`Europe/Paris`,
    ///   `Etc/UTC`), not empty and not `Local`.
    /// - `concurrencyPolicy` must be `Allow`, `Forbid` or `Replace`;
    ///   `startingDeadlineSeconds` must not be negative. Below 10 seconds it is a warning:
    ///   the controller checks schedules about every 10 seconds and may skip runs.
    ///
    /// ## Why is this bad?
    /// The API server rejects the CronJob, so the apply fails; a deadline shorter than the
    /// controller's check interval silently skips runs.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   schedule: "0 0 * * 7"
    ///   timeZone: Europe/Pariss
    /// ```
    ///
    /// Use instead: `schedule: "0 0 * * 0"` (or `SUN`) and `timeZone: Europe/Paris`.
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#schedule-syntax>
    /// - <https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#time-zones>
    /// - <https://www.iana.org/time-zones>
    pub static CRONJOB_SCHEDULE = {
        id: "cronjob-schedule",
        severity: Error,
        category: Reliability,
        summary: "a CronJob schedule, timeZone, concurrencyPolicy or startingDeadlineSeconds the API server rejects",
        help: "write five cron fields or a @ descriptor, and an IANA zone name in timeZone",
        scope: Object,
    }
}

/// Validates CronJob timing fields.
pub struct CronjobSchedule;

/// The minor version of a `1.NN` target.
impl Rule for CronjobSchedule {
    fn meta(&self) -> &'static RuleMeta {
        &CRONJOB_SCHEDULE
    }

    fn check_object(&self, cx: &Context<'_>, object: &Object, out: &mut Vec<Diagnostic>) {
        if !object.is("batch", "CronJob") {
            return;
        }
        let at = |field: &str| Pointer::root().key("spec").key(field);
        let finding =
            |field: &str, message: String| CRONJOB_SCHEDULE.at(object.id, at(field), message);
        if let Some(schedule) = object.at("/spec/schedule").and_then(Value::as_str) {
            if let Some((message, severity)) =
                schedule_problem(schedule, cx.version.minor())
            {
                out.push(finding("schedule", message).with_severity(severity));
            }
        }
        if let Some(zone) = object.at("/spec/timeZone").and_then(Value::as_str) {
            if let Some(problem) = time_zone_problem(zone) {
                out.push(finding("timeZone", problem));
            }
        }
        if let Some(policy) = object.at("/spec/concurrencyPolicy").and_then(Value::as_str) {
            if !matches!(policy, "Allow" | "Forbid" | "Replace") {
                out.push(finding(
                    "concurrencyPolicy",
                    format!("concurrencyPolicy `{policy}` is not one of Allow, Forbid, Replace"),
                ));
            }
        }
        if let Some(deadline) = object
            .at("/spec/startingDeadlineSeconds")
            .and_then(Value::as_i64)
        {
            if deadline < 0 {
                out.push(finding(
                    "startingDeadlineSeconds",
                    format!("startingDeadlineSeconds {deadline} is negative"),
                ));
            } else if deadline < 10 {
                out.push(
                    finding(
                        "startingDeadlineSeconds",
                        format!(
                            "startingDeadlineSeconds {deadline} is shorter than the controller's ~10 s check interval: runs may be skipped"
                        ),
                    )
                    .with_severity(Severity::Warning),
                );
            }
        }
    }
}

/// What the API server of Kubernetes 1.`minor` says about a schedule on create.
fn schedule_problem(schedule: &str, minor: u32) -> Option<(String, Severity)> {
    // The parser strips a `TZ=`/`CRON_TZ=` prefix from 1.22 on; before, the prefix is a
    // sixth field.
    let fields = schedule.trim_start();
    let fields = if minor >= 22 {
        fields.strip_prefix(tz_prefix(schedule)).unwrap_or(fields)
    } else {
        fields
    };
    if let Err(e) = parse_schedule(fields) {
        return Some((
            format!("invalid schedule `{schedule}`: {e}"),
            Severity::Error,
        ));
    }
    if !schedule.contains("TZ") {
        return None;
    }
    // Creating a CronJob with TZ in its schedule fails from 1.29; 1.22 to 1.28 accept it
    // with a warning.
    let message =
        format!("schedule `{schedule}` sets its time zone with TZ/CRON_TZ: use the timeZone field");
    Some((
        message,
        if minor >= 29 {
            Severity::Error
        } else {
            Severity::Warning
        },
    ))
}

/// The `TZ=zone ` or `CRON_TZ=zone ` prefix of a schedule, which the parser strips before
/// reading the fields (its zone is judged by the TZ check, not as a field).
fn tz_prefix(schedule: &str) -> &str {
    let s = schedule.trim_start();
    if s.starts_with("TZ=") || s.starts_with("CRON_TZ=") {
        let end = s.find(char::is_whitespace).unwrap_or(s.len());
        &s[..end]
    } else {
        ""
    }
}

#[cfg(test)]
mod tests {
    use super::schedule_problem;
    use crate::base::Severity;

    #[test]
    fn tz_in_the_schedule_by_version() {
        let s = "TZ=Europe/Paris 0 3 * * *";
        let severity =
            |minor| schedule_problem(s, minor).map(|(m, sev)| (m.contains("invalid"), sev));
        assert_eq!(severity(21), Some((true, Severity::Error)));
        assert_eq!(severity(28), Some((false, Severity::Warning)));
        assert_eq!(severity(29), Some((false, Severity::Error)));
        assert_eq!(schedule_problem("0 3 * * *", 29), None);
    }
}
