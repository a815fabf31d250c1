//! Protocol version 2: the `parallel` request (docs/protocol.md). A sequential prefix runs on the
//! server thread, then 2–8 thread programs run together on std threads against the seed's global
//! `FRAME_ALLOCATOR`; the answer is every call's invocation and response time and outcome.

use std::sync::Barrier;
use std::time::Instant;

use crate::boot_info::BootInfo;
use crate::memory::frame_allocator::{self as fa, Frame, PhysAddr};
use crate::noise;
use crate::protocol::{catch, frame_result, parse_frame, parse_hex, parse_map, reset, unit};

/// The most thread programs one request may carry (`threads=` in hello).
pub const MAX_THREADS: usize = 8;
const MIN_THREADS: usize = 2;

/// A `deallocate_frame` argument: a frame number, or the frame an earlier call handed out.
enum FrameArg {
    Number(usize),
    /// `@p<i>`: call i of the prefix.
    Prefix(usize),
    /// `@<i>`: call i of the same segment.
    Own(usize),
}

/// One call of the seed's global API.
enum Call {
    Init(BootInfo),
    AllocateFrame,
    AllocateFrameAt(u64),
    DeallocateFrame(FrameArg),
    MemoryStats,
}

/// What one call did: its times (ns from the request's origin) and outcome, and the frame it
/// handed out (for later references).
struct Done {
    invoked: u128,
    returned: u128,
    outcome: String,
    frame: Option<usize>,
}

// ---------------------------------------------------------------- parsing

/// Where a call sits, for error messages: `prefix call 2`, `thread 3 call 0`.
fn place(segment: usize, index: usize) -> String {
    if segment == 0 {
        format!("prefix call {index}")
    } else {
        format!("thread {segment} call {index}")
    }
}

fn parse_frame_arg(tok: &str, segment: usize, index: usize, prefix_len: usize) -> Result<FrameArg, String> {
    let Some(reference) = tok.strip_prefix('@') else {
        return parse_frame(tok).map(FrameArg::Number);
    };
    let (in_prefix, digits) = match reference.strip_prefix('p') {
        Some(digits) => (true, digits),
        None => (false, reference),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("reference {tok:?} is not @<i> or @p<i>"));
    }
    let i: usize = digits.parse().map_err(|_| format!("reference {tok:?} is too large"))?;
    // In the prefix, @p<i> and @<i> both name an earlier prefix call.
    let from_prefix = in_prefix && segment != 0;
    if i >= if from_prefix { prefix_len } else { index } {
        return Err(format!("reference {tok:?} names no earlier call"));
    }
    Ok(if from_prefix { FrameArg::Prefix(i) } else { FrameArg::Own(i) })
}

fn parse_call(text: &str, segment: usize, index: usize, prefix_len: usize) -> Result<Call, String> {
    let toks: Vec<&str> = text.split_whitespace().collect();
    let (&op, args) = toks.split_first().ok_or_else(|| "empty call".to_string())?;
    let arity = |n: usize| {
        if args.len() == n {
            Ok(())
        } else {
            Err(format!("{op} takes {n} argument(s), got {}", args.len()))
        }
    };
    match op {
        "init" => {
            let (base, regions) = args
                .split_first()
                .ok_or_else(|| "init needs <kernel_base> <region>...".to_string())?;
            Ok(Call::Init(BootInfo {
                memory_map: parse_map(regions)?,
                kernel_physical_base: parse_hex("kernel_base", base)?,
            }))
        }
        "allocate_frame" => arity(0).map(|()| Call::AllocateFrame),
        "memory_stats" => arity(0).map(|()| Call::MemoryStats),
        "allocate_frame_at" => {
            arity(1)?;
            Ok(Call::AllocateFrameAt(parse_hex("addr", args[0])?))
        }
        "deallocate_frame" => {
            arity(1)?;
            Ok(Call::DeallocateFrame(parse_frame_arg(args[0], segment, index, prefix_len)?))
        }
        _ => Err(format!("unknown call {op:?} (parallel programs use init, allocate_frame, allocate_frame_at, deallocate_frame, memory_stats)")),
    }
}

/// The calls of one segment, separated by `;` (none when the segment is blank).
fn parse_segment(text: &str, segment: usize, prefix_len: usize) -> Result<Vec<Call>, String> {
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    text.split(';')
        .enumerate()
        .map(|(index, call)| {
            parse_call(call, segment, index, prefix_len).map_err(|e| format!("{}: {e}", place(segment, index)))
        })
        .collect()
}

/// A parsed request: the noise seed, the prefix and the thread programs.
struct Request {
    noise: Option<u64>,
    prefix: Vec<Call>,
    threads: Vec<Vec<Call>>,
}

fn parse(text: &str) -> Result<Request, String> {
    let mut segments = text.split('|');
    let head = segments.next().unwrap_or_default().trim_start();
    let (noise_tok, prefix_text) = head.split_once(char::is_whitespace).unwrap_or((head, ""));
    let noise = match noise_tok {
        "off" => None,
        "" => return Err("parallel needs <noise> <prefix> | <thread> | <thread>...".into()),
        tok if tok.bytes().all(|b| b.is_ascii_digit()) => {
            Some(tok.parse().map_err(|_| format!("noise seed {tok:?} does not fit in u64"))?)
        }
        tok => return Err(format!("noise {tok:?} is neither off nor a decimal u64 seed")),
    };
    let prefix = parse_segment(prefix_text, 0, 0)?;
    let threads = segments
        .enumerate()
        .map(|(t, program)| parse_segment(program, t + 1, prefix.len()))
        .collect::<Result<Vec<_>, _>>()?;
    if !(MIN_THREADS..=MAX_THREADS).contains(&threads.len()) {
        return Err(format!(
            "parallel takes {MIN_THREADS} to {MAX_THREADS} thread programs, got {}",
            threads.len()
        ));
    }
    Ok(Request { noise, prefix, threads })
}

// ---------------------------------------------------------------- running

/// Runs a call; `DeallocateFrame` comes with its frame resolved (see `resolve`).
fn invoke(call: &Call, frame: usize) -> (String, Option<usize>) {
    match call {
        Call::Init(boot_info) => {
            fa::init(boot_info);
            ("ok".into(), None)
        }
        Call::AllocateFrame => frame_result(fa::allocate_frame()),
        Call::AllocateFrameAt(addr) => frame_result(fa::allocate_frame_at(PhysAddr::new(*addr))),
        Call::DeallocateFrame(_) => (unit(fa::deallocate_frame(Frame::from_number(frame))), None),
        Call::MemoryStats => {
            let (free, total) = fa::memory_stats();
            (format!("ok {free} {total}"), None)
        }
    }
}

/// The frame a `deallocate_frame` names (0 for the other calls, which name none), or `None` when
/// it refers to a call that handed out no frame: the call is then skipped.
fn resolve(call: &Call, prefix: &[Done], own: &[Done]) -> Option<usize> {
    match call {
        Call::DeallocateFrame(FrameArg::Number(n)) => Some(*n),
        Call::DeallocateFrame(FrameArg::Prefix(i)) => prefix[*i].frame,
        Call::DeallocateFrame(FrameArg::Own(i)) => own[*i].frame,
        _ => Some(0),
    }
}

/// Runs one segment's calls in order on this thread. `noisy` threads make schedule noise before
/// each call (the lock stand-in adds more inside the calls).
fn run_segment(calls: &[Call], prefix: &[Done], origin: Instant, noisy: bool) -> Vec<Done> {
    let mut done: Vec<Done> = Vec::with_capacity(calls.len());
    for call in calls {
        if noisy {
            noise::schedule_noise();
        }
        let record = match resolve(call, prefix, &done) {
            None => {
                let now = origin.elapsed().as_nanos();
                Done { invoked: now, returned: now, outcome: "skip".into(), frame: None }
            }
            Some(frame) => {
                let invoked = origin.elapsed().as_nanos();
                let result = catch(|| invoke(call, frame));
                let returned = origin.elapsed().as_nanos();
                let (outcome, frame) = result.unwrap_or_else(|msg| (format!("panic {msg}"), None));
                Done { invoked, returned, outcome, frame }
            }
        };
        done.push(record);
    }
    done
}

fn run(request: &Request) -> Result<Vec<Vec<Done>>, String> {
    catch(reset).map_err(|msg| format!("reset panicked: {msg}"))?;
    let origin = Instant::now();
    let prefix = run_segment(&request.prefix, &[], origin, false);
    let barrier = Barrier::new(request.threads.len());
    let threads = std::thread::scope(|scope| {
        let handles: Vec<_> = request
            .threads
            .iter()
            .enumerate()
            .map(|(t, calls)| {
                let (barrier, prefix) = (&barrier, &prefix);
                std::thread::Builder::new()
                    .name(format!("framecheck-thread-{}", t + 1))
                    .spawn_scoped(scope, move || {
                        noise::seed_thread(request.noise, t as u64 + 1);
                        barrier.wait();
                        run_segment(calls, prefix, origin, request.noise.is_some())
                    })
            })
            .collect();
        handles
            .into_iter()
            .enumerate()
            .map(|(t, handle)| {
                let handle = handle.map_err(|e| format!("cannot start thread {}: {e}", t + 1))?;
                handle.join().map_err(|_| format!("thread {} panicked outside a call", t + 1))
            })
            .collect::<Result<Vec<_>, String>>()
    })?;
    Ok(std::iter::once(prefix).chain(threads).collect())
}

/// Answers `parallel <noise> <prefix> | <thread> | …` (the text after `parallel`): `history <m>`
/// and one line per call, or `error <reason>`.
pub fn handle(text: &str) -> String {
    let request = match parse(text) {
        Ok(r) => r,
        Err(e) => return format!("error {e}"),
    };
    let segments = match run(&request) {
        Ok(s) => s,
        Err(e) => return format!("error {e}"),
    };
    let count: usize = segments.iter().map(Vec::len).sum();
    let mut out = format!("history {count}");
    for (segment, calls) in segments.iter().enumerate() {
        let name = if segment == 0 { "p".to_string() } else { segment.to_string() };
        for (index, d) in calls.iter().enumerate() {
            out.push_str(&format!("\n{name} {index} {} {} {}", d.invoked, d.returned, d.outcome));
        }
    }
    out
}
