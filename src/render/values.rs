//! The `values` of templates: `--values` files deep-merged in order, then `--set key.path=VALUE`
//! (typed as YAML 1.1 reads VALUE), then `--set-string key.path=VALUE` (always a string).

use std::path::Path;

use crate::base::value::{Map, Value};

use crate::yaml::{self, ParseLimits, scalar::resolve_plain};

/// Reads, merges and overrides values; the error names the file or flag at fault. A
/// values file is read only if it is a regular file of at most `max_bytes`.
pub fn load(
    files: &[&Path],
    set: &[String],
    set_string: &[String],
    max_bytes: u64,
) -> Result<Value, String> {
    let mut values = Value::Object(Map::new());
    for file in files {
        let text =
            read(file, max_bytes).map_err(|e| format!("values file {}: {e}", file.display()))?;
        merge(&mut values, parse_file(&text, &file.display().to_string())?);
    }
    for arg in set {
        let (path, raw) = split_set(arg, "--set")?;
        set_path(&mut values, &path, resolve_plain(raw).0);
    }
    for arg in set_string {
        let (path, raw) = split_set(arg, "--set-string")?;
        set_path(&mut values, &path, Value::String(raw.into()));
    }
    Ok(values)
}

/// A values file's text: a FIFO or device would block or never end (`/dev/zero`), so
/// anything but a regular file is refused before it is opened, and the size is checked
/// on the opened file and bounded while reading.
fn read(path: &Path, max_bytes: u64) -> Result<String, String> {
    let regular = |m: &std::fs::Metadata| {
        if m.is_file() {
            Ok(())
        } else {
            Err("not a regular file".to_owned())
        }
    };
    regular(&std::fs::metadata(path).map_err(|e| e.to_string())?)?;
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let meta = file.metadata().map_err(|e| e.to_string())?;
    regular(&meta)?;
    let too_big = |n: u64| format!("the file is {n} bytes, over the limit of {max_bytes} bytes");
    if meta.len() > max_bytes {
        return Err(too_big(meta.len()));
    }
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(
        &mut std::io::Read::take(file, max_bytes.saturating_add(1)),
        &mut bytes,
    )
    .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > max_bytes {
        return Err(too_big(bytes.len() as u64));
    }
    String::from_utf8(bytes).map_err(|_| "the file is not UTF-8 text".to_owned())
}

/// A values file: one YAML mapping (an empty file is no values).
pub fn parse_file(text: &str, name: &str) -> Result<Value, String> {
    let stream = yaml::parse(text, &ParseLimits::default());
    if let Some(p) = stream.problems.first() {
        let line = text[..(p.span.start as usize).min(text.len())]
            .matches('\n')
            .count()
            + 1;
        return Err(format!("values file {name}:{line}: {}", p.message));
    }
    match stream.documents.len() {
        0 => Ok(Value::Object(Map::new())),
        1 => match stream.documents.into_iter().next().map(|d| d.value) {
            Some(v @ Value::Object(_)) => Ok(v),
            _ => Err(format!(
                "values file {name}: the document must be a mapping"
            )),
        },
        _ => Err(format!(
            "values file {name}: expected one YAML document, found several"
        )),
    }
}

/// Deep merge: mappings merge key by key, anything else is replaced by the later value.
pub fn merge(base: &mut Value, over: Value) {
    match (base, over) {
        (Value::Object(b), Value::Object(o)) => {
            for (k, v) in o {
                match b.get_mut(&k) {
                    Some(slot) => merge(slot, v),
                    None => {
                        b.insert(k, v);
                    }
                }
            }
        }
        (slot, v) => *slot = v,
    }
}

/// `a.b\.c=VALUE` → (`["a", "b.c"]`, `VALUE`).
fn split_set<'a>(arg: &'a str, flag: &str) -> Result<(Vec<String>, &'a str), String> {
    let (path, raw) = arg
        .split_once('=')
        .ok_or_else(|| format!("{flag} {arg}: expected KEY=VALUE"))?;
    let mut keys = vec![String::new()];
    let mut chars = path.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(n) = chars.next() {
                    keys.last_mut().expect("never empty").push(n);
                }
            }
            '.' => keys.push(String::new()),
            c => keys.last_mut().expect("never empty").push(c),
        }
    }
    if keys.iter().any(String::is_empty) {
        return Err(format!("{flag} {arg}: empty key in `{path}`"));
    }
    Ok((keys, raw))
}

/// Sets a value at a key path, creating mappings (and replacing non-mappings) on the way.
fn set_path(values: &mut Value, path: &[String], value: Value) {
    let mut node = values;
    for key in &path[..path.len() - 1] {
        if !node.is_object() {
            *node = Value::Object(Map::new());
        }
        node = node
            .as_object_mut()
            .expect("made a mapping above")
            .entry(key.clone())
            .or_insert_with(|| Value::Object(Map::new()));
    }
    if !node.is_object() {
        *node = Value::Object(Map::new());
    }
    if let (Some(map), Some(last)) = (node.as_object_mut(), path.last()) {
        map.insert(last.clone(), value);
    }
}
