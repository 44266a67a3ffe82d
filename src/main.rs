//! The `satchel` command-line tool.
fn main() {}
