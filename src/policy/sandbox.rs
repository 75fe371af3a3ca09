//! The sandboxed Rhai engine every policy runs in: the standard package (strings, arrays,
//! maps, math) and the context API, nothing else. There is no file, network, process or
//! environment access to take away (Rhai has none without modules, and `no_module` turns
//! `import` off); `eval` is disabled, `print`/`debug` go nowhere (they would corrupt the
//! report on stdout), the clock is gone (`sleep`, `timestamp`: [`deadline::harden`]), and
//! every resource a script can consume is bounded, time included ([`crate::deadline`]).

use std::sync::OnceLock;

use rhai::Engine;

use crate::deadline;
use rhai::packages::{Package, StandardPackage};

/// The bounds on one policy call (and on evaluating a policy's declarations).
pub mod limits {
    /// Operations (roughly, expressions evaluated) per call: the default policies use a
    /// few hundred per object; an endless loop stops after a few tens of milliseconds.
    pub const OPERATIONS: u64 = 500_000;
    /// Nested function calls.
    pub const CALL_LEVELS: usize = 32;
    /// Expression nesting, at global level and inside functions.
    pub const EXPR_DEPTH: (usize, usize) = (64, 32);
    /// Bytes in one string; large enough for any value a ConfigMap can hold.
    pub const STRING_BYTES: usize = 4 * 1024 * 1024;
    /// Elements of one array.
    pub const ARRAY_ITEMS: usize = 100_000;
    /// Entries of one map.
    pub const MAP_ENTRIES: usize = 100_000;
    /// Variables alive at once.
    pub const VARIABLES: usize = 1_000;
}

/// The one engine, built on first use and shared by every thread (rhai's `sync`).
pub fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(build)
}

fn build() -> Engine {
    let mut engine = Engine::new_raw();
    engine.register_global_module(StandardPackage::new().as_shared_module());
    engine.on_print(|_| {});
    engine.on_debug(|_, _, _| {});
    engine.disable_symbol("eval");
    engine.set_max_operations(limits::OPERATIONS);
    engine.set_max_call_levels(limits::CALL_LEVELS);
    engine.set_max_expr_depths(limits::EXPR_DEPTH.0, limits::EXPR_DEPTH.1);
    engine.set_max_string_size(limits::STRING_BYTES);
    engine.set_max_array_size(limits::ARRAY_ITEMS);
    engine.set_max_map_size(limits::MAP_ENTRIES);
    engine.set_max_variables(limits::VARIABLES);
    engine.set_max_functions(256);
    engine.on_progress(deadline::progress);
    deadline::harden(&mut engine);
    super::api::register(&mut engine);
    engine
}
