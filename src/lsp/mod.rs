//! `k8lint lsp`: the Language Server Protocol over stdio.
//!
//! The workspace is loaded as `check` loads it (the same walk, config, kustomizations
//! and context, through [`app::compile_and_check_with`]), with the editor's unsaved
//! buffers read instead of the files on disk, and kept in memory until the next change.
//! Messages use `lsp-server`'s types and `lsp-types`' structures (the crates
//! rust-analyzer is built on: synchronous, no async runtime to carry); the framing on
//! stdin is read here, so that a malformed message gets an error response and a bounded
//! read instead of ending the session.

mod convert;
mod hover;
mod keep;
mod navigate;
mod server;

use std::io::{self, BufRead, Read, Write};

use lsp_server::Message;
use serde_json::{Value, json};

use crate::app::{Fatal, Outcome};

pub use server::Server;

/// The largest message read, in bytes: a document of the 64 MiB file limit, escaped.
const MAX_MESSAGE: usize = 160 * 1024 * 1024;

/// What reading one message gave.
#[derive(Debug)]
pub enum Incoming {
    /// A message.
    Message(Message),
    /// A frame whose body is not a JSON-RPC message: answered with this error code.
    Invalid(i32, String),
    /// The end of the input.
    End,
}

/// Reads one framed message (`Content-Length: N`, a blank line, N bytes).
pub fn read(input: &mut dyn BufRead) -> io::Result<Incoming> {
    let mut length: Option<usize> = None;
    let mut saw_header = false;
    loop {
        let mut line = String::new();
        // Header lines are short; a longer one is garbage, read no further than this.
        let n = (&mut *input).take(8 * 1024).read_line(&mut line)?;
        if n == 0 {
            return Ok(Incoming::End);
        }
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            if saw_header {
                break;
            }
            continue;
        }
        saw_header = true;
        if let Some((name, value)) = line.split_once(':') {
            if name.trim().eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().ok();
            }
        }
    }
    let Some(length) = length else {
        return Ok(Incoming::Invalid(
            -32700,
            "no valid Content-Length header".to_owned(),
        ));
    };
    if length > MAX_MESSAGE {
        // Skipped unread, so that the next frame can still be found.
        io::copy(&mut (&mut *input).take(length as u64), &mut io::sink())?;
        return Ok(Incoming::Invalid(
            -32600,
            format!("message of {length} bytes is over the limit"),
        ));
    }
    let mut body = vec![0; length];
    input.read_exact(&mut body)?;
    let value: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => return Ok(Incoming::Invalid(-32700, format!("parse error: {e}"))),
    };
    // Neither a request, a notification nor a response (`{"id": 1}` alone would read as an
    // empty response and go unanswered).
    let shaped = value.get("method").is_some_and(Value::is_string)
        || value.get("result").is_some()
        || value.get("error").is_some();
    if !shaped {
        return Ok(Incoming::Invalid(
            -32600,
            "invalid request: no method".to_owned(),
        ));
    }
    match serde_json::from_value::<Message>(value) {
        Ok(m) => Ok(Incoming::Message(m)),
        Err(e) => Ok(Incoming::Invalid(-32600, format!("invalid request: {e}"))),
    }
}

/// Writes a message with its frame.
pub fn write(out: &mut dyn Write, message: &Value) -> io::Result<()> {
    let body = serde_json::to_string(message)?;
    write!(out, "Content-Length: {}\r\n\r\n{body}", body.len())?;
    out.flush()
}

/// The error response to a message that could not be read (its id is unknown: null).
pub fn error_response(code: i32, message: &str) -> Value {
    json!({"jsonrpc": "2.0", "id": null, "error": {"code": code, "message": message}})
}

/// Serves one editor session on stdin and stdout.
pub fn serve() -> Result<Outcome, Fatal> {
    crate::schema::keep_across_checks();
    let input = Box::new(io::BufReader::new(io::stdin()));
    let mut output = io::stdout();
    let mut server = Server::new();
    let clean = server.run(input, &mut output)?;
    Ok(if clean {
        Outcome::Success
    } else {
        Outcome::InternalError
    })
}
