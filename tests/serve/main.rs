//! Integration tests of `surveysite serve` (issue 4): the real binary serves a temp copy of the
//! example on a free port; the tests fetch pages with hand-written HTTP requests, listen on the
//! live-reload WebSocket, edit the inputs, and check what the pages, the socket and the log say.

#[path = "../common/mod.rs"]
mod common;

mod edits;
mod harness;
mod limits;
mod pages;
mod paths;
mod process;
