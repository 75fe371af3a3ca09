//! The CI formats on one sample repository (tests/data/formats): snapshots of each, SARIF
//! validated against the SARIF 2.1.0 schema, GitHub workflow commands checked against the
//! syntax the runner parses, and the per-rule statistics.

mod common;

use k8lint::app;
use k8lint::base::value::Value;
use k8lint::cli::{CheckArgs, CheckFormat};

const SAMPLE: &str = "tests/data/formats";

fn run(format: CheckFormat, statistics: bool) -> String {
    common::check_text(&CheckArgs {
        paths: vec![SAMPLE.to_owned()],
        format,
        statistics,
        ..CheckArgs::default()
    })
}

fn json_report() -> Value {
    serde_json::from_str(&run(CheckFormat::Json, false)).expect("the JSON report parses")
}

#[test]
fn sarif_snapshot() {
    insta::assert_snapshot!("sarif", run(CheckFormat::Sarif, false));
}

#[test]
fn junit_snapshot() {
    insta::assert_snapshot!("junit", run(CheckFormat::Junit, false));
}

#[test]
fn github_snapshot() {
    insta::assert_snapshot!("github", run(CheckFormat::Github, false));
}

#[test]
fn statistics_snapshot() {
    insta::assert_snapshot!("statistics", run(CheckFormat::Human, true));
    insta::assert_snapshot!("statistics_json", run(CheckFormat::Json, true));
}

#[test]
fn sarif_is_valid_against_the_sarif_2_1_0_schema() {
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("data/sarif-schema-2.1.0.json"))
            .expect("the vendored schema parses");
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let log: serde_json::Value = serde_json::from_str(&run(CheckFormat::Sarif, false)).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF schema errors:\n{}",
        errors.join("\n")
    );

    // What the schema cannot say but code scanning relies on.
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    // Every rule `k8lint rules` knows: built-in rules and policies.
    let mut listed = Vec::new();
    let rules_args = k8lint::cli::RulesArgs {
        format: k8lint::cli::RulesFormat::Json,
        policies: Vec::new(),
        config: None,
    };
    app::rules(&rules_args, &mut listed).unwrap();
    let listed: Value = serde_json::from_slice(&listed).unwrap();
    assert_eq!(
        rules.len(),
        listed.as_array().unwrap().len(),
        "every rule is listed"
    );
    let results = run["results"].as_array().unwrap();
    assert_eq!(
        results.len(),
        json_report()["diagnostics"].as_array().unwrap().len()
    );
    for r in results {
        let index = r["ruleIndex"]
            .as_u64()
            .expect("built-in rules have an index") as usize;
        assert_eq!(rules[index]["id"], r["ruleId"]);
        let artifact = &r["locations"][0]["physicalLocation"]["artifactLocation"];
        assert_eq!(artifact["uriBaseId"], "%SRCROOT%");
        let uri = artifact["uri"].as_str().unwrap();
        assert!(
            uri.starts_with("tests/data/formats/"),
            "{uri} is relative to the repository"
        );
        let region = &r["locations"][0]["physicalLocation"]["region"];
        for key in ["startLine", "startColumn", "endLine", "endColumn"] {
            assert!(region[key].as_u64().unwrap() >= 1, "{key} is 1-based");
        }
    }
    let duplicate = results
        .iter()
        .find(|r| r["ruleId"] == "duplicate-object")
        .expect("the sample has a duplicate");
    assert_eq!(
        duplicate["relatedLocations"][0]["message"]["text"],
        "first defined here"
    );
}

/// Decodes a workflow command's escapes (`%25`, `%0D`, `%0A`, `%3A`, `%2C`); `None` when a
/// `%` starts anything else, which the runner would not decode.
fn unescape(text: &str, property: bool) -> Option<String> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find('%') {
        out.push_str(&rest[..i]);
        let code = rest.get(i + 1..i + 3)?;
        out.push(match code {
            "25" => '%',
            "0D" => '\r',
            "0A" => '\n',
            "3A" if property => ':',
            "2C" if property => ',',
            _ => return None,
        });
        rest = &rest[i + 3..];
    }
    out.push_str(rest);
    Some(out)
}

/// A parsed workflow command: the command, its properties, the decoded message.
type Command = (String, Vec<(String, String)>, String);

/// Parses `::command key=value,key=value::message` as the Actions runner does, refusing
/// anything it would misread: unknown commands or keys, raw separators inside values.
fn parse_command(line: &str) -> Result<Command, String> {
    let body = line
        .strip_prefix("::")
        .ok_or_else(|| format!("no leading `::`: {line}"))?;
    let (head, message) = body
        .split_once("::")
        .ok_or_else(|| format!("no `::` before the message: {line}"))?;
    let (command, properties) = head.split_once(' ').unwrap_or((head, ""));
    if !matches!(command, "error" | "warning" | "notice") {
        return Err(format!("unknown command `{command}`"));
    }
    let mut props = Vec::new();
    for pair in properties.split(',').filter(|p| !p.is_empty()) {
        let (key, value) = pair
            .split_once('=')
            .ok_or_else(|| format!("property without `=`: {pair}"))?;
        if !matches!(
            key,
            "file" | "line" | "endLine" | "col" | "endColumn" | "title"
        ) {
            return Err(format!("unknown property `{key}`"));
        }
        if value.contains([':', '\r', '\n']) {
            return Err(format!("unescaped separator in {key}={value}"));
        }
        let value = unescape(value, true).ok_or_else(|| format!("bad escape in {value}"))?;
        props.push((key.to_owned(), value));
    }
    if message.contains(['\r', '\n']) {
        return Err("raw line break in the message".to_owned());
    }
    let message = unescape(message, false).ok_or_else(|| format!("bad escape in {message}"))?;
    Ok((command.to_owned(), props, message))
}

#[test]
fn github_commands_follow_the_workflow_command_syntax() {
    let text = run(CheckFormat::Github, false);
    let report = json_report();
    let diagnostics = report["diagnostics"].as_array().unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), diagnostics.len(), "one command per finding");
    for (line, d) in lines.iter().zip(diagnostics) {
        let (command, props, message) =
            parse_command(line).unwrap_or_else(|e| panic!("{e}\n{line}"));
        let want = match d["severity"].as_str().unwrap() {
            "error" => "error",
            "warning" => "warning",
            _ => "notice",
        };
        assert_eq!(command, want);
        let get = |k: &str| {
            props
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.clone())
                .unwrap_or_else(|| panic!("no {k} in {line}"))
        };
        assert_eq!(get("file"), d["file"].as_str().unwrap());
        assert_eq!(get("line"), d["line"].to_string());
        assert_eq!(get("col"), d["column"].to_string());
        assert_eq!(get("endLine"), d["end_line"].to_string());
        assert_eq!(get("endColumn"), d["end_column"].to_string());
        assert_eq!(get("title"), d["rule"].as_str().unwrap());
        assert!(message.starts_with(d["message"].as_str().unwrap()));
    }
    assert!(
        lines.iter().any(|l| l.starts_with("::notice ")),
        "info findings become notices"
    );
}

#[test]
fn github_escapes_separators_in_properties() {
    assert!(parse_command("::error file=a,b.yaml,line=1::m").is_err());
    assert!(parse_command("::error file=a%2Cb.yaml,line=1::50%25%0Anext").is_ok());
    assert!(parse_command("::error title=a:b::m").is_err());
}

#[test]
fn junit_fails_the_objects_with_findings_at_fail_on() {
    let xml = run(CheckFormat::Junit, false);
    assert!(xml.contains(r#"<testsuite name="tests/data/formats/web.yaml" tests="5""#));
    assert_eq!(xml.matches("<failure ").count(), 2, "{xml}");
    // The info finding is kept, as output of a passing case.
    assert!(xml.contains("<system-out>14:"));
}
