//! The framecheck line protocol: parsing requests and running them on the seed's global
//! `FRAME_ALLOCATOR`. Version 2 adds `parallel` (src/parallel.rs) and leaves the rest as in 1.

use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};

use crate::boot_info::{BootInfo, MemoryMap, MemoryRegionType};
use crate::memory::frame_allocator::{
    self as fa, Frame, FrameAllocator, FrameAllocatorError, PhysAddr, FRAME_ALLOCATOR,
};
use crate::parallel;

const PROTOCOL_VERSION: u32 = 2;
const PAGE_SIZE: u64 = 4096;
const PHYS_ADDR_LIMIT: u64 = 1 << 52;

pub enum Reply {
    Line(String),
    Quit,
}

// ---------------------------------------------------------------- panics

thread_local! {
    /// True while a step runs under catch_unwind: the hook then records instead of printing.
    static CAPTURING: Cell<bool> = const { Cell::new(false) };
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

pub fn install_panic_hook() {
    let default_hook = panic::take_hook();
    panic::set_hook(Box::new(move |info| {
        if CAPTURING.with(|c| c.get()) {
            let payload = info.payload();
            let msg = if let Some(s) = payload.downcast_ref::<&'static str>() {
                (*s).to_string()
            } else if let Some(s) = payload.downcast_ref::<String>() {
                s.clone()
            } else {
                "Box<dyn Any>".to_string()
            };
            LAST_PANIC.with(|p| *p.borrow_mut() = Some(msg));
        } else {
            default_hook(info);
        }
    }));
}

/// Runs `f`, turning a panic into `Err(message)` (message on one line).
pub(crate) fn catch<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    LAST_PANIC.with(|p| *p.borrow_mut() = None);
    CAPTURING.with(|c| c.set(true));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    CAPTURING.with(|c| c.set(false));
    result.map_err(|_| {
        let msg = LAST_PANIC
            .with(|p| p.borrow_mut().take())
            .unwrap_or_else(|| "unknown panic".to_string());
        one_line(&msg)
    })
}

fn one_line(s: &str) -> String {
    let joined: Vec<&str> = s.split_whitespace().collect();
    if joined.is_empty() {
        "(empty panic message)".to_string()
    } else {
        joined.join(" ")
    }
}

// ---------------------------------------------------------------- parsing

/// An address or size: hex with `0x`.
pub(crate) fn parse_hex(what: &str, tok: &str) -> Result<u64, String> {
    let digits = tok
        .strip_prefix("0x")
        .or_else(|| tok.strip_prefix("0X"))
        .ok_or_else(|| format!("{what} {tok:?} must be hex with 0x"))?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!("{what} {tok:?} is not a hex number"));
    }
    u64::from_str_radix(digits, 16).map_err(|_| format!("{what} {tok:?} does not fit in u64"))
}

/// A frame number: decimal usize.
pub(crate) fn parse_frame(tok: &str) -> Result<usize, String> {
    if tok.is_empty() || !tok.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("frame number {tok:?} must be decimal"));
    }
    tok.parse::<usize>().map_err(|_| format!("frame number {tok:?} does not fit in usize"))
}

/// `<base>+<length>:<Kind>`
fn parse_region(tok: &str) -> Result<(u64, u64, MemoryRegionType), String> {
    let (range, kind) = tok
        .split_once(':')
        .ok_or_else(|| format!("region {tok:?} is not <base>+<length>:<Kind>"))?;
    let (base, length) = range
        .split_once('+')
        .ok_or_else(|| format!("region {tok:?} is not <base>+<length>:<Kind>"))?;
    let kind = MemoryRegionType::from_name(kind)
        .ok_or_else(|| format!("region {tok:?}: unknown kind {kind:?}"))?;
    Ok((parse_hex("region base", base)?, parse_hex("region length", length)?, kind))
}

pub(crate) fn parse_map(toks: &[&str]) -> Result<MemoryMap, String> {
    let mut map = MemoryMap::empty();
    for tok in toks {
        let (base, length, kind) = parse_region(tok)?;
        map.add(base, length, kind);
    }
    Ok(map)
}

fn expect_args(op: &str, args: &[&str], n: usize) -> Result<(), String> {
    if args.len() == n {
        Ok(())
    } else {
        Err(format!("{op} takes {n} argument(s), got {}", args.len()))
    }
}

/// One parsed step, ready to run.
enum Step {
    Init(MemoryMap),
    BootInit(BootInfo),
    ReserveKernel(u64, usize),
    ReserveRange(u64, usize),
    Allocate,
    AllocateFrame,
    AllocateSpecific(usize),
    AllocateFrameAt(u64),
    Deallocate(usize),
    DeallocateFrame(usize),
    FreeCount,
    TotalCount,
    FreeMemory,
    TotalMemory,
    MemoryStats,
}

fn parse_step(op: &str, args: &[&str]) -> Result<Option<Step>, String> {
    let step = match op {
        "init" => Step::Init(parse_map(args)?),
        "boot_init" => {
            let (base, regions) = args
                .split_first()
                .ok_or_else(|| "boot_init needs <kernel_base> <region>...".to_string())?;
            Step::BootInit(BootInfo {
                memory_map: parse_map(regions)?,
                kernel_physical_base: parse_hex("kernel_base", base)?,
            })
        }
        "reserve_kernel" | "reserve_range" => {
            expect_args(op, args, 2)?;
            let start = parse_hex("start", args[0])?;
            let size = parse_hex("size", args[1])? as usize;
            if op == "reserve_kernel" {
                Step::ReserveKernel(start, size)
            } else {
                Step::ReserveRange(start, size)
            }
        }
        "allocate_specific" | "deallocate" | "deallocate_frame" => {
            expect_args(op, args, 1)?;
            let frame = parse_frame(args[0])?;
            match op {
                "allocate_specific" => Step::AllocateSpecific(frame),
                "deallocate" => Step::Deallocate(frame),
                _ => Step::DeallocateFrame(frame),
            }
        }
        "allocate_frame_at" => {
            expect_args(op, args, 1)?;
            Step::AllocateFrameAt(parse_hex("addr", args[0])?)
        }
        "allocate" | "allocate_frame" | "free_count" | "total_count" | "free_memory"
        | "total_memory" | "memory_stats" => {
            expect_args(op, args, 0)?;
            match op {
                "allocate" => Step::Allocate,
                "allocate_frame" => Step::AllocateFrame,
                "free_count" => Step::FreeCount,
                "total_count" => Step::TotalCount,
                "free_memory" => Step::FreeMemory,
                "total_memory" => Step::TotalMemory,
                _ => Step::MemoryStats,
            }
        }
        _ => return Ok(None),
    };
    Ok(Some(step))
}

// ---------------------------------------------------------------- running

fn err_name(e: FrameAllocatorError) -> &'static str {
    match e {
        FrameAllocatorError::OutOfMemory => "OutOfMemory",
        FrameAllocatorError::FrameInUse => "FrameInUse",
        FrameAllocatorError::InvalidFrame => "InvalidFrame",
        FrameAllocatorError::NotInitialized => "NotInitialized",
    }
}

pub(crate) fn unit(r: Result<(), FrameAllocatorError>) -> String {
    match r {
        Ok(()) => "ok".to_string(),
        Err(e) => format!("err {}", err_name(e)),
    }
}

pub(crate) fn frame_result(r: Result<Frame, FrameAllocatorError>) -> (String, Option<usize>) {
    match r {
        Ok(f) => (format!("ok {}", f.number()), Some(f.number())),
        Err(e) => (format!("err {}", err_name(e)), None),
    }
}

/// Runs a step; returns the outcome text and the frame a successful allocate handed out.
fn run(step: Step) -> (String, Option<usize>) {
    match step {
        Step::Init(map) => {
            FRAME_ALLOCATOR.lock().init(&map);
            ("ok".into(), None)
        }
        Step::BootInit(boot_info) => {
            fa::init(&boot_info);
            ("ok".into(), None)
        }
        Step::ReserveKernel(start, size) => {
            FRAME_ALLOCATOR.lock().reserve_kernel(PhysAddr::new(start), size);
            ("ok".into(), None)
        }
        Step::ReserveRange(start, size) => {
            FRAME_ALLOCATOR.lock().reserve_range(PhysAddr::new(start), size);
            ("ok".into(), None)
        }
        Step::Allocate => frame_result(FRAME_ALLOCATOR.lock().allocate()),
        Step::AllocateFrame => frame_result(fa::allocate_frame()),
        Step::AllocateSpecific(n) => {
            (unit(FRAME_ALLOCATOR.lock().allocate_specific(Frame::from_number(n))), None)
        }
        Step::AllocateFrameAt(addr) => {
            let (text, _) = frame_result(fa::allocate_frame_at(PhysAddr::new(addr)));
            (text, None)
        }
        Step::Deallocate(n) => (unit(FRAME_ALLOCATOR.lock().deallocate(Frame::from_number(n))), None),
        Step::DeallocateFrame(n) => (unit(fa::deallocate_frame(Frame::from_number(n))), None),
        Step::FreeCount => (format!("ok {}", FRAME_ALLOCATOR.lock().free_count()), None),
        Step::TotalCount => (format!("ok {}", FRAME_ALLOCATOR.lock().total_count()), None),
        Step::FreeMemory => (format!("ok {}", FRAME_ALLOCATOR.lock().free_memory()), None),
        Step::TotalMemory => (format!("ok {}", FRAME_ALLOCATOR.lock().total_memory()), None),
        Step::MemoryStats => {
            let (free, total) = fa::memory_stats();
            (format!("ok {free} {total}"), None)
        }
    }
}

/// The frame a step names (allocate_specific / deallocate*/ allocate_frame_at), before running it.
fn named_frame(step: &Step) -> Option<u64> {
    match *step {
        Step::AllocateSpecific(n) | Step::Deallocate(n) | Step::DeallocateFrame(n) => Some(n as u64),
        Step::AllocateFrameAt(addr) if addr < PHYS_ADDR_LIMIT => Some(addr / PAGE_SIZE),
        _ => None,
    }
}

fn max_frames() -> usize {
    FrameAllocator::framecheck_max_frames()
}

fn execute(step: Step) -> String {
    let named = named_frame(&step);
    let (outcome, handed_out) = match catch(move || run(step)) {
        Ok(r) => r,
        Err(msg) => (format!("panic {msg}"), None),
    };
    let touched = named.or(handed_out.map(|n| n as u64)).filter(|&n| n < max_frames() as u64);
    let allocator = FRAME_ALLOCATOR.lock();
    let bit = match touched {
        Some(n) => {
            if allocator.framecheck_is_used(n as usize) {
                "1"
            } else {
                "0"
            }
        }
        None => "-",
    };
    format!(
        "free={} total={} bit={} {}",
        allocator.free_count(),
        allocator.total_count(),
        bit,
        outcome
    )
}

/// The bitmap's free frames as half-open runs, ascending.
fn free_ranges() -> String {
    let limit = max_frames();
    let allocator = FRAME_ALLOCATOR.lock();
    let mut out = String::from("ranges");
    let mut run_start: Option<usize> = None;
    let close = |out: &mut String, start: usize, end: usize| {
        out.push_str(&format!(" {start}-{end}"));
    };
    for (w, &word) in allocator.framecheck_bitmap_words().iter().enumerate() {
        let base = w * 64;
        if base >= limit {
            break;
        }
        if word == 0 && base + 64 <= limit {
            run_start.get_or_insert(base);
            continue;
        }
        if word == !0u64 {
            if let Some(s) = run_start.take() {
                close(&mut out, s, base);
            }
            continue;
        }
        for bit in 0..64 {
            let n = base + bit;
            if n >= limit {
                break;
            }
            if word & (1u64 << bit) == 0 {
                run_start.get_or_insert(n);
            } else if let Some(s) = run_start.take() {
                close(&mut out, s, n);
            }
        }
    }
    if let Some(s) = run_start.take() {
        close(&mut out, s, limit);
    }
    out
}

pub(crate) fn reset() {
    // The new value is built on this (large) stack and moved in.
    *FRAME_ALLOCATOR.lock() = FrameAllocator::new();
}

/// Answers one request line.
pub fn handle(line: &str) -> Reply {
    let toks: Vec<&str> = line.split_whitespace().collect();
    let Some((&op, args)) = toks.split_first() else {
        return Reply::Line("error empty request".into());
    };
    let answer = match op {
        "hello" => match expect_args(op, args, 0) {
            Ok(()) => format!(
                "framecheck-driver {PROTOCOL_VERSION} max_frames={} profile={} name={} threads={}",
                max_frames(),
                if cfg!(debug_assertions) { "debug" } else { "release" },
                env!("FRAMECHECK_DRIVER_NAME"),
                parallel::MAX_THREADS,
            ),
            Err(e) => format!("error {e}"),
        },
        "reset" => match expect_args(op, args, 0) {
            Ok(()) => match catch(reset) {
                Ok(()) => "ok".into(),
                Err(msg) => format!("error reset panicked: {msg}"),
            },
            Err(e) => format!("error {e}"),
        },
        "free_ranges" => match expect_args(op, args, 0) {
            Ok(()) => free_ranges(),
            Err(e) => format!("error {e}"),
        },
        "quit" => return Reply::Quit,
        "parallel" => parallel::handle(line.trim_start().strip_prefix("parallel").unwrap_or_default()),
        _ => match parse_step(op, args) {
            Ok(Some(step)) => execute(step),
            Ok(None) => format!("error unknown request {op:?}"),
            Err(e) => format!("error {e}"),
        },
    };
    Reply::Line(answer)
}
