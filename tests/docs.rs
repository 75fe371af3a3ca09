//! What the repository says and ships, checked against what k8lint does: every sample of
//! output in README.md and docs/ is produced by running the command it names on the
//! repository's test data, docs/rules/ is generated from the rules' doc comments, and
//! action.yml is valid against the GitHub Actions metadata schema.
//!
//! When a change is intended, `K8LINT_UPDATE_DOCS=1 cargo test --test docs` (or
//! `INSTA_UPDATE=always`) rewrites the documents; read the diff before committing.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use insta_cmd::get_cargo_bin;
use k8lint::app;
use k8lint::base::value::Value;
use k8lint::cli::{ExplainArgs, RulesArgs, RulesFormat};

fn updating() -> bool {
    std::env::var_os("K8LINT_UPDATE_DOCS").is_some()
        || std::env::var("INSTA_UPDATE").is_ok_and(|v| v == "always")
}

/// Compares a generated document with the file; rewrites it in update mode.
fn in_sync(path: &Path, generated: &str, stale: &mut Vec<String>) {
    let current = fs::read_to_string(path).unwrap_or_default();
    if current == generated {
        return;
    }
    if updating() {
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).unwrap();
        }
        fs::write(path, generated).unwrap();
    } else {
        stale.push(path.display().to_string());
    }
}

fn report(stale: Vec<String>) {
    assert!(
        stale.is_empty(),
        "out of date (run `K8LINT_UPDATE_DOCS=1 cargo test --test docs` and read the diff):\n{}",
        stale.join("\n")
    );
}

/// The marker before a block of output: `<!-- output: ARGS -->`, then a fenced block.
const MARKER: &str = "<!-- output: ";

/// Runs `k8lint ARGS` from the repository root and renders what a reader sees: the
/// command, its stdout, and stderr's summary line.
fn sample(args: &str) -> String {
    let argv: Vec<&str> = args.split_whitespace().collect();
    let out = Command::new(get_cargo_bin("k8lint"))
        .env(
            "K8LINT_CACHE_DIR",
            concat!(env!("CARGO_TARGET_TMPDIR"), "/k8lint-cache"),
        )
        .args(&argv)
        .env("NO_COLOR", "1")
        .output()
        .expect("k8lint runs");
    let mut text = format!("$ k8lint {args}\n");
    text.push_str(&String::from_utf8_lossy(&out.stdout));
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    text.trim_end().to_owned() + "\n"
}

/// The text with every marked block replaced by the output of its command.
fn with_samples(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find(MARKER) {
        let (before, from_marker) = rest.split_at(at);
        out.push_str(before);
        let end = from_marker.find("-->").expect("a marker ends with -->");
        let args = from_marker[MARKER.len()..end].trim();
        let after_marker = &from_marker[end + 3..];
        out.push_str(&from_marker[..end + 3]);
        // The fenced block right after the marker is replaced.
        let open = after_marker
            .find("```")
            .expect("a fenced block follows the marker");
        let body_start = open + after_marker[open..].find('\n').expect("fence line") + 1;
        let close = body_start
            + after_marker[body_start..]
                .find("```")
                .expect("the block is closed");
        out.push_str(&after_marker[..body_start]);
        out.push_str(&sample(args));
        rest = &after_marker[close..];
    }
    out.push_str(rest);
    out
}

fn markdown_files() -> Vec<PathBuf> {
    let mut files = vec![PathBuf::from("README.md")];
    for entry in fs::read_dir("docs").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            files.push(path);
        }
    }
    files.sort();
    files
}

#[test]
fn output_samples_in_the_readme_and_docs_are_what_k8lint_prints() {
    let mut stale = Vec::new();
    let mut samples = 0;
    for path in markdown_files() {
        let text = fs::read_to_string(&path).unwrap();
        samples += text.matches(MARKER).count();
        in_sync(&path, &with_samples(&text), &mut stale);
    }
    assert!(samples >= 3, "the README and docs show samples ({samples})");
    report(stale);
}

/// Every rule `k8lint rules` lists without a config: built-in rules and default policies.
fn rule_ids() -> Vec<(String, String)> {
    let mut out = Vec::new();
    let args = RulesArgs {
        format: RulesFormat::Json,
        policies: Vec::new(),
        config: None,
    };
    app::rules(&args, &mut out).unwrap();
    let list: Value = serde_json::from_slice(&out).unwrap();
    list.as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap().to_owned(),
                format!(
                    "| [`{}`]({}.md) | {} | {} | {} |",
                    r["id"].as_str().unwrap(),
                    r["id"].as_str().unwrap(),
                    r["severity"].as_str().unwrap(),
                    r["category"].as_str().unwrap(),
                    r["summary"].as_str().unwrap().replace('|', "\\|"),
                ),
            )
        })
        .collect()
}

#[test]
fn docs_rules_are_the_explain_pages() {
    let mut stale = Vec::new();
    let dir = Path::new("docs/rules");
    let ids = rule_ids();
    let mut index = String::from(
        "# Rules\n\nGenerated from the rules' documentation (`k8lint rules`, `k8lint explain RULE`): \
         edit the doc comment in `src/rules/` (or the policy in `policies/`), then run \
         `K8LINT_UPDATE_DOCS=1 cargo test --test docs`.\n\n| rule | severity | category | summary |\n|---|---|---|---|\n",
    );
    for (id, row) in &ids {
        let mut page = Vec::new();
        let args = ExplainArgs {
            rule: id.clone(),
            policies: Vec::new(),
            config: None,
        };
        app::explain(&args, &mut page).unwrap();
        in_sync(
            &dir.join(format!("{id}.md")),
            &String::from_utf8(page).unwrap(),
            &mut stale,
        );
        index.push_str(row);
        index.push('\n');
    }
    in_sync(&dir.join("README.md"), &index, &mut stale);
    // No page for a rule that no longer exists.
    for entry in fs::read_dir(dir).into_iter().flatten() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let id = name.trim_end_matches(".md");
        if name != "README.md" && !ids.iter().any(|(i, _)| i == id) {
            stale.push(format!("docs/rules/{name} (no such rule)"));
        }
    }
    report(stale);
}

#[test]
fn pages_cite_only_what_users_can_open() {
    for (id, _) in rule_ids() {
        let page = fs::read_to_string(format!("docs/rules/{id}.md")).unwrap_or_default();
        for internal in ["K8S-SEMANTICS", "DESIGN.md", "RULES.md"] {
            assert!(!page.contains(internal), "{id} cites {internal}");
        }
    }
}

#[test]
fn the_action_is_valid_against_the_github_action_schema() {
    // SchemaStore's github-action.json (src/schemas/json/github-action.json at
    // 3b6446ad8a077bac56f4a4796c0b7fd88927fc8e), kept as test data.
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("data/github-action-schema.json")).unwrap();
    let text = fs::read_to_string("action.yml").unwrap();
    let stream = k8lint::yaml::parse(&text, &k8lint::yaml::ParseLimits::default());
    assert!(stream.problems.is_empty(), "{:?}", stream.problems);
    let action = &stream.documents[0].value.to_serde();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(action)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "action.yml:\n{}", errors.join("\n"));
    // What the schema cannot say: the inputs the brief promises, and every input used.
    for input in ["paths", "format", "fail-on", "sarif"] {
        assert!(action["inputs"][input].is_object(), "input {input}");
    }
    for (name, _) in action["inputs"].as_object().unwrap() {
        assert!(
            text.contains(&format!("inputs.{name}")),
            "input {name} is used"
        );
    }
}
