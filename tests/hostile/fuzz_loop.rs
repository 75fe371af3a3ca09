//! The bodies of the fuzz targets for values files and for templates through aliases, run
//! over a corpus in the normal test command (cargo-fuzz needs a nightly toolchain and its
//! own build; `fuzz/` holds the libFuzzer targets). Properties: no panic, problems inside
//! the text, and a bounded run.

use std::fs;
use std::path::Path;

use k8lint::render::template::Templates;
use k8lint::render::values;
use k8lint::yaml::{self, ParseLimits};

/// Every YAML file under `testdata/`, small ones only.
fn corpus() -> Vec<String> {
    let mut out = Vec::new();
    let mut dirs = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata")];
    while let Some(d) = dirs.pop() {
        for e in fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "yaml") {
                if let Ok(t) = fs::read_to_string(&p) {
                    if t.len() < 16 * 1024 {
                        out.push(t);
                    }
                }
            }
        }
    }
    out.sort();
    out
}

/// A few cheap mutations of a text: cut at a few points, doubled, a line repeated.
fn mutations(text: &str) -> Vec<String> {
    let mut out = vec![text.to_owned(), format!("{text}{text}")];
    for n in [1, 3, 7] {
        let at = text.len() * n / 8;
        if text.is_char_boundary(at) {
            out.push(text[..at].to_owned());
            out.push(format!("{}\n{}", &text[at..], &text[..at]));
        }
    }
    out
}

const EXPRESSIONS: [&str; 6] = [
    "values",
    "values.keys().len()",
    "`${values}`.len()",
    "values.values().map(|v| `${v}`).len()",
    "sleep(100)",
    "[values, values, values]",
];

#[test]
fn values_and_templates_through_aliases_over_the_corpus() {
    let mut executions = 0usize;
    for text in corpus() {
        for input in mutations(&text) {
            executions += 1;
            let Ok(values) = values::parse_file(&input, "fuzz.yaml") else {
                continue;
            };
            let templates = Templates::new(values);
            for expr in EXPRESSIONS {
                let doc = format!(
                    "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: f}}\ndata:\n  a: &t '${{{{ {expr} }}}}'\n  b: [*t, *t, *t, *t]\n  c: {{k: *t}}\n"
                );
                let mut stream = yaml::parse(&doc, &ParseLimits::default());
                for d in &mut stream.documents {
                    for p in templates.expand(&mut d.tree, &mut d.value, &doc) {
                        assert!(
                            doc.get(p.span.start as usize..p.span.end as usize)
                                .is_some(),
                            "{p:?} inside the text"
                        );
                    }
                }
                executions += 1;
            }
        }
    }
    // Reported with --nocapture: the number of inputs the bodies ran on.
    println!("fuzz loop: {executions} executions");
    assert!(executions > 1_000, "{executions}");
}
