//! framecheck-seed-driver: runs the seed frame allocator behind the framecheck line protocol
//! (docs/protocol.md in the framecheck repository). Requests on stdin, one answer line each on stdout.

mod boot_info;
mod memory;
mod noise;
mod parallel;
mod protocol;

/// The schedule-noise hook, for racy allocator variants to call inside their race window
/// (`crate::schedule_noise()`); a no-op outside noisy `parallel` threads.
#[allow(unused_imports)]
pub use noise::schedule_noise;

use std::io::{self, BufRead, Write};

/// The bitmap array is 512 KiB and debug builds copy it through the stack; give the server room.
const SERVER_STACK: usize = 64 * 1024 * 1024;

fn main() {
    protocol::install_panic_hook();
    exit_when_orphaned();
    let server = std::thread::Builder::new()
        .name("framecheck-server".into())
        .stack_size(SERVER_STACK)
        .spawn(serve)
        .expect("spawn server thread");
    let code = match server.join() {
        Ok(code) => code,
        Err(_) => 101,
    };
    std::process::exit(code);
}

/// A step of the seed can spin for hours (it walks every frame a request names): if framecheck dies
/// meanwhile, nobody reads the answer, so the driver ends itself once its parent is gone.
fn exit_when_orphaned() {
    let parent = std::os::unix::process::parent_id();
    std::thread::spawn(move || loop {
        std::thread::sleep(std::time::Duration::from_millis(500));
        if std::os::unix::process::parent_id() != parent {
            std::process::exit(1);
        }
    });
}

/// The request loop. Returns the exit status.
fn serve() -> i32 {
    let stdin = io::stdin();
    let mut input = stdin.lock();
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match input.read_until(b'\n', &mut buf) {
            Ok(0) => return 0, // EOF: the client went away
            Ok(_) => {}
            Err(e) => {
                eprintln!("framecheck-seed-driver: reading stdin: {e}");
                return 1;
            }
        }
        let answer = match std::str::from_utf8(&buf) {
            Ok(line) => match protocol::handle(line.trim_end_matches(['\n', '\r'])) {
                protocol::Reply::Line(s) => s,
                protocol::Reply::Quit => return 0,
            },
            Err(_) => "error request is not valid UTF-8".to_string(),
        };
        if writeln!(out, "{answer}").and_then(|_| out.flush()).is_err() {
            // stdout closed: nobody is listening any more.
            return 0;
        }
    }
}
