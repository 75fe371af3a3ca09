//! Times YAML event parsers on the manifests of one folder, on one thread, and k8lint's
//! own parse (the event parser plus the span tree and JSON value it builds), so that the
//! choice of event parser rests on our bytes rather than on a parser's own benchmark.
//!
//! `cargo run --release -- DIR [RUNS]` prints a Markdown table: per parser, the events
//! seen, the median and best time over RUNS passes over every file, and MB/s.
//! `cargo run --release -- --pieces FILE [RUNS]` times k8lint's parse of one large file
//! whole (one thread) and in pieces (every core).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn main() {
    let mut args = std::env::args().skip(1).peekable();
    if args.peek().map(String::as_str) == Some("--pieces") {
        args.next();
        let file = args.next().unwrap_or_default();
        let runs = args.next().and_then(|r| r.parse().ok()).unwrap_or(5);
        pieces(&file, runs);
        return;
    }
    let Some(dir) = args.next() else {
        eprintln!("usage: k8lint-parser-bench DIR [RUNS]");
        std::process::exit(2);
    };
    let runs: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(5);
    let mut paths = Vec::new();
    collect(Path::new(&dir), &mut paths);
    paths.sort();
    let texts: Vec<String> = paths
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect();
    let bytes: usize = texts.iter().map(String::len).sum();
    println!(
        "{} files, {:.1} MB, {runs} passes each, one thread\n",
        texts.len(),
        bytes as f64 / 1e6
    );
    println!("| parser | events | median | best | MB/s (median) |");
    println!("|---|---:|---:|---:|---:|");
    let parsers: [(&str, fn(&str) -> usize); 4] = [
        ("granit-parser 2.2.0 (k8lint's)", granit),
        ("saphyr-parser 0.3.4", saphyr),
        ("yaml-rust2 0.13.2", yaml_rust2),
        (
            "k8lint::yaml::parse (granit + span tree + value)",
            k8lint_tree,
        ),
    ];
    for (name, parse) in parsers {
        let mut times: Vec<Duration> = Vec::new();
        let mut events = 0;
        for _ in 0..runs {
            let start = Instant::now();
            events = texts.iter().map(|t| parse(t)).sum();
            times.push(start.elapsed());
        }
        times.sort();
        let median = times[times.len() / 2];
        println!(
            "| {name} | {events} | {:.1} ms | {:.1} ms | {:.0} |",
            median.as_secs_f64() * 1e3,
            times[0].as_secs_f64() * 1e3,
            bytes as f64 / 1e6 / median.as_secs_f64()
        );
    }
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(&p, out);
        } else if matches!(p.extension().and_then(|x| x.to_str()), Some("yaml" | "yml")) {
            out.push(p);
        }
    }
}

/// Events until the end of the stream or the first error.
fn granit(text: &str) -> usize {
    granit_parser::Parser::new_from_str(text)
        .take_while(Result::is_ok)
        .count()
}

fn saphyr(text: &str) -> usize {
    saphyr_parser::Parser::new_from_str(text)
        .take_while(Result::is_ok)
        .count()
}

fn yaml_rust2(text: &str) -> usize {
    let mut p = yaml_rust2::parser::Parser::new_from_str(text);
    let mut n = 0;
    while let Ok((event, _)) = p.next_token() {
        n += 1;
        if event == yaml_rust2::Event::StreamEnd {
            break;
        }
    }
    n
}

/// k8lint's parse counts documents, not events: its cost is what matters here.
fn k8lint_tree(text: &str) -> usize {
    let stream = k8lint::yaml::parse(text, &k8lint::yaml::ParseLimits::default());
    std::hint::black_box(&stream);
    stream.documents.len()
}

/// One large file parsed whole and in pieces: the median of `runs` each, and whether the
/// pieces' path was taken (it falls back to the whole parse where it could differ).
fn pieces(file: &str, runs: usize) {
    use k8lint::yaml::split::Pieces;
    let text = std::fs::read_to_string(file).unwrap_or_default();
    let limits = k8lint::yaml::ParseLimits::default();
    let engaged =
        k8lint::yaml::split::parse_in_pieces(&text, &limits, &Pieces::default()).is_some();
    println!(
        "{file}: {:.1} MB, pieces path taken: {engaged}",
        text.len() as f64 / 1e6
    );
    let ways = [
        (
            "whole",
            Pieces {
                from_bytes: usize::MAX,
                ..Pieces::default()
            },
        ),
        ("in pieces", Pieces::default()),
    ];
    for (name, way) in ways {
        let mut times: Vec<Duration> = (0..runs)
            .map(|_| {
                let start = Instant::now();
                std::hint::black_box(k8lint::yaml::parse_with(&text, &limits, &way));
                start.elapsed()
            })
            .collect();
        times.sort();
        println!(
            "{name}: median {:.1} ms, best {:.1} ms",
            times[runs / 2].as_secs_f64() * 1e3,
            times[0].as_secs_f64() * 1e3
        );
    }
}
