//! `k8lint lsp` driven over stdio as an editor drives it: initialize, open a Service and a
//! Deployment, diagnostics with exact ranges, a change that breaks the selector, the
//! suppression code action, definition and references, hover, shutdown and exit; and
//! malformed input answered with errors, never a crash.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use k8lint::base::value::Value;
use k8lint::json;

struct Client {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    next: i64,
}

impl Client {
    fn start(cwd: &Path) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_k8lint"))
            .arg("lsp")
            .current_dir(cwd)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("k8lint lsp starts");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = BufReader::new(child.stdout.take().expect("stdout"));
        Client {
            child,
            stdin,
            stdout,
            next: 1,
        }
    }

    fn raw(&mut self, body: &str) {
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("sent");
        self.stdin.flush().expect("flushed");
    }

    fn send(&mut self, message: &Value) {
        self.raw(&message.to_string());
    }

    fn receive(&mut self) -> Value {
        let mut length = 0usize;
        loop {
            let mut line = String::new();
            assert!(
                self.stdout.read_line(&mut line).expect("read") > 0,
                "the server ended"
            );
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(v) = line.strip_prefix("Content-Length: ") {
                length = v.parse().expect("a length");
            }
        }
        let mut body = vec![0; length];
        self.stdout.read_exact(&mut body).expect("a body");
        serde_json::from_slice(&body).expect("JSON")
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and returns its response, keeping the notifications met on the way.
    fn request(&mut self, method: &str, params: Value, seen: &mut Vec<Value>) -> Value {
        let id = self.next;
        self.next += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let m = self.receive();
            if m.get("id") == Some(&json!(id)) {
                return m;
            }
            seen.push(m);
        }
    }

    /// The diagnostics published next for a URI.
    fn diagnostics_for(&mut self, uri: &str) -> Vec<Value> {
        loop {
            let m = self.receive();
            if m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri {
                return m["params"]["diagnostics"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
            }
        }
    }
}

const SERVICE: &str = "apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
    - port: 80
      targetPort: http
";

const DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          ports:
            - {name: http, containerPort: 8080}
          env:
            - name: MODE
              valueFrom:
                configMapKeyRef: {name: settings, key: mode}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  mode: fast
";

fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

fn rules_of(diagnostics: &[Value]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[test]
fn an_editor_session() {
    let dir = tempfile::tempdir().expect("a folder");
    let root = dir.path().canonicalize().expect("canonical");
    let svc_path = root.join("service.yaml");
    let dep_path = root.join("deployment.yaml");
    std::fs::write(&svc_path, SERVICE).expect("written");
    std::fs::write(&dep_path, DEPLOYMENT).expect("written");
    let (svc, dep) = (uri(&svc_path), uri(&dep_path));
    let mut c = Client::start(&root);
    let mut seen = Vec::new();

    let init = c.request(
        "initialize",
        json!({"processId": null, "rootUri": uri(&root), "capabilities": {}}),
        &mut seen,
    );
    assert_eq!(init["result"]["capabilities"]["definitionProvider"], true);
    c.notify("initialized", json!({}));
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": svc, "languageId": "yaml", "version": 1, "text": SERVICE}}),
    );
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": dep, "languageId": "yaml", "version": 1, "text": DEPLOYMENT}}),
    );

    // The unsaved Service: its selector broken in the buffer only.
    let broken = SERVICE.replace("app: web", "app: wbe");
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": svc, "version": 2}, "contentChanges": [{"text": broken}]}),
    );
    let mut found = Vec::new();
    // Publications arrive per check; the last one for the Service reflects the change.
    for _ in 0..6 {
        found = c.diagnostics_for(&svc);
        if rules_of(&found).iter().any(|r| r == "service-no-pods") {
            break;
        }
    }
    let no_pods = found
        .iter()
        .find(|d| d["code"] == "service-no-pods")
        .unwrap_or_else(|| panic!("service-no-pods on the Service: {found:#?}"));
    // `selector:` is line 6 (0-based 5); the finding underlines the selector's key.
    assert_eq!(no_pods["range"]["start"]["line"], 5, "{no_pods:#}");
    assert_eq!(no_pods["source"], "k8lint");
    assert!(no_pods["severity"].as_i64().is_some());

    // Suppression: inserted above the node, and the result still parses as YAML.
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": svc}, "range": no_pods["range"],
               "context": {"diagnostics": [no_pods]}}),
        &mut seen,
    );
    let actions = actions["result"].as_array().cloned().unwrap_or_default();
    let suppress = actions
        .iter()
        .find(|a| {
            a["title"]
                .as_str()
                .unwrap_or_default()
                .starts_with("Suppress `service-no-pods`")
        })
        .unwrap_or_else(|| panic!("a suppression action: {actions:#?}"));
    let edit = &suppress["edit"]["changes"][&svc][0];
    assert_eq!(edit["range"]["start"]["line"], 5);
    let text = edit["newText"].as_str().unwrap_or_default();
    assert_eq!(text, "  # k8lint: ignore service-no-pods -- \n");
    let mut lines: Vec<&str> = broken.lines().collect();
    lines.insert(5, text.trim_end_matches('\n'));
    let suppressed = lines.join("\n") + "\n";
    let parsed = k8lint::yaml::parse(&suppressed, &k8lint::yaml::ParseLimits::default());
    assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": svc, "version": 3}, "contentChanges": [{"text": suppressed}]}),
    );
    let after = c.diagnostics_for(&svc);
    assert!(
        !rules_of(&after).contains(&"service-no-pods".to_owned()),
        "{after:#?}"
    );

    // Definition: configMapKeyRef.key → the ConfigMap's key.
    let line = DEPLOYMENT
        .lines()
        .position(|l| l.contains("configMapKeyRef"))
        .expect("line");
    let column = DEPLOYMENT
        .lines()
        .nth(line)
        .and_then(|l| l.find("mode"))
        .expect("col");
    let def = c.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": dep}, "position": {"line": line, "character": column + 1}}),
        &mut seen,
    );
    let target = &def["result"][0];
    assert_eq!(target["uri"], dep);
    let key_line = DEPLOYMENT
        .lines()
        .position(|l| l == "  mode: fast")
        .expect("key line");
    assert_eq!(
        target["range"]["start"],
        json!({"line": key_line, "character": 2}),
        "{def:#}"
    );

    // References back from the ConfigMap's key.
    let refs = c.request(
        "textDocument/references",
        json!({"textDocument": {"uri": dep}, "position": {"line": key_line, "character": 3},
               "context": {"includeDeclaration": false}}),
        &mut seen,
    );
    let refs = refs["result"].as_array().cloned().unwrap_or_default();
    assert_eq!(refs.len(), 1, "{refs:#?}");
    assert_eq!(refs[0]["range"]["start"]["line"], line);

    // Hover on the rule id of the suppression comment: its explain text.
    let hover = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": svc}, "position": {"line": 5, "character": 22}}),
        &mut seen,
    );
    let value = hover["result"]["contents"]["value"]
        .as_str()
        .unwrap_or_default();
    assert!(
        value.contains("service-no-pods") && value.contains("## What it does"),
        "{hover:#}"
    );

    // Malformed input: errors, and the session goes on.
    c.raw("{not json");
    let e = c.receive();
    assert_eq!(e["error"]["code"], -32700);
    c.raw(r#"{"jsonrpc": "2.0", "id": 99}"#);
    let e = c.receive();
    assert_eq!(e["error"]["code"], -32600);
    let unknown = c.request("k8lint/unknown", json!({}), &mut seen);
    assert_eq!(unknown["error"]["code"], -32601);
    let bad = c.request("textDocument/hover", json!({"nope": 1}), &mut seen);
    assert_eq!(bad["error"]["code"], -32602);

    let down = c.request("shutdown", Value::Null, &mut seen);
    assert!(down.get("error").is_none(), "{down:#}");
    c.notify("exit", Value::Null);
    let status = c.child.wait().expect("exited");
    assert!(status.success(), "{status:?}");
}

#[test]
fn garbage_on_stdin_ends_without_a_crash() {
    let dir = tempfile::tempdir().expect("a folder");
    let mut c = Client::start(dir.path());
    c.stdin
        .write_all(b"Content-Length: 99999999999\r\n\r\nxx\r\nnonsense\r\n\r\n")
        .expect("sent");
    drop(c.stdin);
    let status = c.child.wait().expect("exited");
    // No shutdown before the input ended: exit status 2, and no signal.
    assert_eq!(status.code(), Some(2));
}

/// What the editor shows after `messages`: the last publication per URI.
fn shown(messages: &[Value]) -> BTreeMap<String, Vec<Value>> {
    let mut out = BTreeMap::new();
    for m in messages {
        if m["method"] == "textDocument/publishDiagnostics" {
            let uri = m["params"]["uri"].as_str().unwrap_or_default().to_owned();
            let list = m["params"]["diagnostics"].as_array().cloned();
            out.insert(uri, list.unwrap_or_default());
        }
    }
    out
}

/// A finding as both sides can say it: file name, 0-based line and column, rule, and
/// the message with its help.
type Said = (String, u64, u64, String, String);

fn published(shown: &BTreeMap<String, Vec<Value>>) -> Vec<Said> {
    let mut out: Vec<Said> = shown
        .iter()
        .flat_map(|(uri, list)| {
            let name = uri.rsplit('/').next().unwrap_or_default().to_owned();
            list.iter().map(move |d| {
                (
                    name.clone(),
                    d["range"]["start"]["line"].as_u64().unwrap_or_default(),
                    d["range"]["start"]["character"]
                        .as_u64()
                        .unwrap_or_default(),
                    d["code"].as_str().unwrap_or_default().to_owned(),
                    d["message"].as_str().unwrap_or_default().to_owned(),
                )
            })
        })
        .collect();
    out.sort();
    out
}

/// `k8lint check` of a folder, from it, said the same way.
fn checked(root: &Path) -> Vec<Said> {
    let out = Command::new(env!("CARGO_BIN_EXE_k8lint"))
        .args(["check", ".", "--format", "json", "--fail-on", "never"])
        .current_dir(root)
        .output()
        .expect("k8lint check runs");
    let report: Value = serde_json::from_slice(&out.stdout).expect("a JSON report");
    let mut said: Vec<Said> = report["diagnostics"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|d| {
            let file = d["file"].as_str().unwrap_or_default();
            let mut message = d["message"].as_str().unwrap_or_default().to_owned();
            if let Some(help) = d["help"].as_str() {
                message.push_str("\nhelp: ");
                message.push_str(help);
            }
            (
                file.rsplit('/').next().unwrap_or_default().to_owned(),
                d["line"].as_u64().unwrap_or_default() - 1,
                d["column"].as_u64().unwrap_or_default() - 1,
                d["rule"].as_str().unwrap_or_default().to_owned(),
                message,
            )
        })
        .collect();
    said.sort();
    said
}

/// Changes a buffer, then waits until the server has checked it (a request is answered
/// after the notifications before it).
fn change(c: &mut Client, uri: &str, version: i64, text: &str, seen: &mut Vec<Value>) {
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
    );
    let sync = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}}),
        seen,
    );
    assert!(sync.get("error").is_none(), "{sync:#}");
}

fn open(c: &mut Client, uri: &str, text: &str) {
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}),
    );
}

fn session(root: &Path) -> (Client, Vec<Value>) {
    let mut c = Client::start(root);
    let mut seen = Vec::new();
    c.request(
        "initialize",
        json!({"processId": null, "rootUri": uri(root), "capabilities": {}}),
        &mut seen,
    );
    c.notify("initialized", json!({}));
    (c, seen)
}

fn end(mut c: Client, seen: &mut Vec<Value>) {
    c.request("shutdown", Value::Null, seen);
    c.notify("exit", Value::Null);
    let status = c.child.wait().expect("exited");
    assert!(status.success(), "{status:?}");
}

/// A session on `root` that opens `opened` (written with the same texts) and makes
/// `edits` one at a time; then each edited file is saved with its last text. What the
/// editor was last shown, and what a fresh `check` of the folder reports.
fn edited_and_fresh(
    root: &Path,
    opened: &[(&Path, &str)],
    edits: &[(&Path, String)],
) -> (Vec<Said>, Vec<Said>) {
    let (mut c, mut seen) = session(root);
    for (path, text) in opened {
        open(&mut c, &uri(path), text);
    }
    let mut last: BTreeMap<&Path, &str> = BTreeMap::new();
    for (version, (path, text)) in edits.iter().enumerate() {
        change(&mut c, &uri(path), version as i64 + 2, text, &mut seen);
        last.insert(path, text);
    }
    let editor = published(&shown(&seen));
    end(c, &mut seen);
    for (path, text) in last {
        std::fs::write(path, text).expect("written");
    }
    (editor, checked(root))
}

#[test]
fn after_edits_the_diagnostics_are_those_of_a_fresh_check() {
    let dir = tempfile::tempdir().expect("a folder");
    let root = dir.path().canonicalize().expect("canonical");
    // Walked in this order: an edit to the first file moves the ids of the others' objects.
    let (a, b, c_) = (
        root.join("a-deployment.yaml"),
        root.join("b-service.yaml"),
        root.join("c-other.yaml"),
    );
    let other = "apiVersion: v1\nkind: Service\nmetadata:\n  name: other\nspec:\n  selector:\n    app: web\n  ports:\n    - port: 81\n      targetPort: http\n";
    std::fs::write(&a, DEPLOYMENT).expect("written");
    std::fs::write(&b, SERVICE).expect("written");
    std::fs::write(&c_, other).expect("written");
    let (a, b) = (a.as_path(), b.as_path());

    let extra = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\ndata:\n  k: v\n---\n";
    let edits: Vec<(&Path, String)> = vec![
        // A cross-object finding: the Service selects nothing.
        (b, SERVICE.replace("app: web", "app: wbe")),
        // A document above: every later object's id moves; and a per-object finding.
        (
            a,
            format!(
                "{extra}{}",
                DEPLOYMENT.replace("nginx:1.27", "nginx:latest")
            ),
        ),
        // A second document in the Service's file.
        (
            b,
            format!(
                "{}---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: tool\nspec:\n  containers:\n    - name: tool\n      image: busybox\n",
                SERVICE.replace("app: web", "app: wbe")
            ),
        ),
        // The ConfigMap the Deployment reads is gone.
        (
            a,
            format!(
                "{extra}{}",
                DEPLOYMENT.replace("  name: settings\n", "  name: other\n")
            ),
        ),
        // The selector is mended, the Pod stays.
        (
            b,
            format!(
                "{SERVICE}---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: tool\nspec:\n  containers:\n    - name: tool\n      image: busybox\n"
            ),
        ),
    ];
    let (editor, fresh) = edited_and_fresh(&root, &[(a, DEPLOYMENT), (b, SERVICE)], &edits);
    assert!(
        fresh.iter().any(|f| f.3 == "config-ref") && fresh.iter().any(|f| f.3 == "image-tag"),
        "{fresh:#?}"
    );
    assert_eq!(editor, fresh);
}

/// A custom resource edited beside its CRD: the CRD's compiled rules are kept between
/// checks while its file does not change, then compiled again when it does; every check
/// publishes what a fresh `check` reports.
#[test]
fn after_edits_to_a_custom_resource_and_its_crd_the_diagnostics_are_fresh() {
    let dir = tempfile::tempdir().expect("a folder");
    let root = dir.path().canonicalize().expect("canonical");
    let (crd, cache) = (root.join("crd.yaml"), root.join("cache.yaml"));
    let crd_text =
        std::fs::read_to_string("testdata/cel-validation/fires-crd/crd.yaml").expect("read");
    let resource = |spec: &str| {
        format!(
            "apiVersion: example.com/v1\nkind: Cache\nmetadata:\n  name: c\n  namespace: default\nspec: {spec}\n"
        )
    };
    let first = resource("{replicas: 20}");
    std::fs::write(&crd, &crd_text).expect("written");
    std::fs::write(&cache, &first).expect("written");
    let (crd, cache) = (crd.as_path(), cache.as_path());
    let stricter = crd_text.replace("self <= 10", "self <= 4");
    let edits: Vec<(&Path, String)> = vec![
        (cache, resource("{replicas: 12, mode: cluster}")),
        (
            cache,
            resource("{replicas: 2, mode: cluster, minSize: 5, maxSize: 3}"),
        ),
        (cache, resource("{replicas: 5}")),
        // The CRD changes: its rules are compiled again.
        (crd, stricter.clone()),
        (cache, resource("{replicas: 6, endpoints: [http://x]}")),
        // A schema that does not compile: said on the CRD, its custom resources unvalidated.
        (crd, stricter.replace("maxLength: 253", "maxLength: -1")),
        (cache, resource("{replicas: 7}")),
    ];
    let (editor, fresh) = edited_and_fresh(&root, &[(cache, &first), (crd, &crd_text)], &edits);
    let messages: Vec<&str> = fresh
        .iter()
        .filter(|f| f.3 == "cel-validation")
        .map(|f| f.4.as_str())
        .collect();
    assert!(
        messages.iter().any(|m| m.contains("must be at most 10")),
        "the stricter CRD's rule: {fresh:#?}"
    );
    assert!(
        fresh
            .iter()
            .any(|f| f.0 == "crd.yaml" && f.4.contains("does not compile")),
        "the uncompiled schema: {fresh:#?}"
    );
    assert_eq!(editor, fresh);
}

/// A custom resource of a kind of the embedded CRD catalog (no CRD in the workspace),
/// edited: the catalog's converted schema and compiled rules are kept by the server, and
/// every check publishes what a fresh `check` reports.
#[test]
fn after_edits_to_a_catalog_custom_resource_the_diagnostics_are_fresh() {
    let dir = tempfile::tempdir().expect("a folder");
    let root = dir.path().canonicalize().expect("canonical");
    let path = root.join("monitor.yaml");
    let monitor = |endpoints: &str| {
        format!(
            "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata:\n  name: web\n  namespace: default\nspec:\n  selector:\n    matchLabels: {{app: web}}\n  endpoints: {endpoints}\n"
        )
    };
    let first = monitor("[{port: http}]");
    std::fs::write(&path, &first).expect("written");
    let edits: Vec<(&Path, String)> = [
        "[{port: http, interval: 30}]",
        "[{port: http}]",
        "web",
        "[{port: http, scheme: gopher}]",
    ]
    .map(|e| (path.as_path(), monitor(e)))
    .into();
    let (editor, fresh) = edited_and_fresh(&root, &[(&path, &first)], &edits);
    assert!(fresh.iter().any(|f| f.3 == "schema"), "{fresh:#?}");
    assert_eq!(editor, fresh);
}

#[test]
fn unsaved_kustomization_and_patch_buffers_are_built() {
    let dir = tempfile::tempdir().expect("a folder");
    let root = dir.path().canonicalize().expect("canonical");
    let kustomization = "resources:\n  - deployment.yaml\npatches:\n  - path: patch.yaml\n";
    let patch =
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n";
    std::fs::write(root.join("kustomization.yaml"), kustomization).expect("written");
    std::fs::write(root.join("deployment.yaml"), DEPLOYMENT).expect("written");
    std::fs::write(root.join("patch.yaml"), patch).expect("written");
    let (uk, up) = (
        uri(&root.join("kustomization.yaml")),
        uri(&root.join("patch.yaml")),
    );
    let image_tag = |seen: &[Value]| published(&shown(seen)).iter().any(|f| f.3 == "image-tag");
    let (mut c, mut seen) = session(&root);
    open(&mut c, &uk, kustomization);
    change(&mut c, &uk, 2, kustomization, &mut seen);
    assert!(!image_tag(&seen), "{:#?}", shown(&seen));

    // The kustomization's buffer retags the image: built from the buffer, not the disk.
    let retagged = format!("{kustomization}images:\n  - name: nginx\n    newTag: latest\n");
    change(&mut c, &uk, 3, &retagged, &mut seen);
    assert!(image_tag(&seen), "{:#?}", shown(&seen));
    change(&mut c, &uk, 4, kustomization, &mut seen);
    assert!(!image_tag(&seen), "{:#?}", shown(&seen));

    // So does the patch's.
    open(&mut c, &up, patch);
    let latest = format!(
        "{patch}  template:\n    spec:\n      containers:\n        - name: web\n          image: nginx:latest\n"
    );
    change(&mut c, &up, 2, &latest, &mut seen);
    assert!(image_tag(&seen), "{:#?}", shown(&seen));
    end(c, &mut seen);
}

#[test]
fn hover_on_a_field_shows_its_schema_description() {
    let dir = tempfile::tempdir().expect("a folder");
    let root = dir.path().canonicalize().expect("canonical");
    let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n";
    let path = root.join("deployment.yaml");
    std::fs::write(&path, text).expect("written");
    let u = uri(&path);
    let (mut c, mut seen) = session(&root);
    open(&mut c, &u, text);
    // On the key `replicas` (line 6, 0-based 5).
    let hover = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": u}, "position": {"line": 5, "character": 4}}),
        &mut seen,
    );
    let value = hover["result"]["contents"]["value"]
        .as_str()
        .unwrap_or_default();
    assert!(value.contains("replicas: integer"), "{hover:#}");
    assert!(value.contains("Number of desired pods"), "{hover:#}");
    assert!(value.contains("DeploymentSpec"), "{hover:#}");
    end(c, &mut seen);
}

#[test]
fn after_edits_to_a_namespace_its_workloads_pod_security_findings_are_fresh() {
    let dir = tempfile::tempdir().expect("a folder");
    let root = dir.path().canonicalize().expect("canonical");
    let (a, b) = (root.join("a-namespace.yaml"), root.join("b-pod.yaml"));
    let namespace = |level: &str| {
        format!(
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n  labels:\n    pod-security.kubernetes.io/enforce: {level}\n"
        )
    };
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: tool\n  namespace: apps\nspec:\n  hostNetwork: true\n  containers:\n    - name: tool\n      image: busybox:1.36\n";
    std::fs::write(&a, namespace("baseline")).expect("written");
    std::fs::write(&b, pod).expect("written");
    let (ua, ub) = (uri(&a), uri(&b));
    let (mut c, mut seen) = session(&root);
    open(&mut c, &ua, &namespace("baseline"));
    open(&mut c, &ub, pod);

    let extra = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\ndata:\n  k: v\n---\n";
    let edits: Vec<String> = vec![
        // No level: the Pod's findings go.
        namespace("privileged"),
        // A document above: the Namespace's id moves, its labels do not.
        format!("{extra}{}", namespace("privileged")),
        // The strictest level, in the moved Namespace.
        format!("{extra}{}", namespace("restricted")),
        // The label's line moves: the related information points at the new line.
        format!("{extra}\n{}", namespace("restricted")),
    ];
    for (version, text) in edits.iter().enumerate() {
        change(&mut c, &ua, version as i64 + 2, text, &mut seen);
    }
    let editor = published(&shown(&seen));
    end(c, &mut seen);

    std::fs::write(&a, edits.last().expect("edits")).expect("written");
    let fresh = checked(&root);
    assert!(fresh.iter().any(|f| f.3 == "pod-security"), "{fresh:#?}");
    assert_eq!(editor, fresh);
}
