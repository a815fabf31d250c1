//! Seeded schedule noise for `parallel` requests: short random spins or yields, so that the
//! interleavings of the thread programs vary from request to request. Each thread of a request
//! has its own generator (splitmix64 seeded from the request's seed and the thread's number);
//! threads without one (the server thread, requests with `off`) make no noise.

use std::cell::Cell;

/// The longest spin between calls: tens of microseconds (a `spin_loop` is ~40 ns on the project
/// machine), short next to a scheduler time slice.
const MAX_SPIN: u64 = 2048;
/// The longest spin inside a critical section: shorter, since every other thread waits for it.
const MAX_LOCK_SPIN: u64 = 256;

thread_local! {
    static STATE: Cell<Option<u64>> = const { Cell::new(None) };
}

/// Gives this thread its generator (`None`: no noise on this thread).
pub fn seed_thread(seed: Option<u64>, thread: u64) {
    STATE.with(|s| s.set(seed.map(|seed| splitmix64(seed ^ thread.wrapping_mul(0xD1B5_4A32_D192_ED03)).1)));
}

/// One splitmix64 step: the next state and its output.
fn splitmix64(state: u64) -> (u64, u64) {
    let next = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = next;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    (next, z ^ (z >> 31))
}

/// The next draw of this thread's generator, or `None` on a quiet thread.
fn draw() -> Option<u64> {
    // try_with: the lock may be dropped while this thread's locals are being torn down.
    STATE
        .try_with(|s| {
            let (next, out) = splitmix64(s.get()?);
            s.set(Some(next));
            Some(out)
        })
        .ok()
        .flatten()
}

fn spin(iterations: u64) {
    for _ in 0..iterations {
        std::hint::spin_loop();
    }
}

/// A random short delay on a noisy thread: one draw in four is no delay, one a yield, two a spin
/// of up to `MAX_SPIN` iterations. No-op on a quiet thread. Called between calls, and by racy
/// allocator variants inside their race window (`crate::schedule_noise()`).
pub fn schedule_noise() {
    let Some(r) = draw() else { return };
    match r % 4 {
        0 => {}
        1 => std::thread::yield_now(),
        _ => spin((r >> 2) % MAX_SPIN),
    }
}

/// The lock stand-in's noise inside a critical section: a short spin only (half the draws), since
/// a yield while holding the lock would stall every other thread on a loaded machine.
pub fn lock_noise() {
    if let Some(r) = draw().filter(|r| r % 2 == 0) {
        spin((r >> 1) % MAX_LOCK_SPIN);
    }
}
