//! The kernel's `memory` module as far as the seed needs it: `super::{PAGE_SIZE, align_down, align_up}`,
//! and `frame_allocator` itself, which is the seed text (see build.rs) included verbatim.
#![allow(dead_code)]

pub const PAGE_SIZE: usize = 4096;

pub const fn align_down(addr: u64, align: u64) -> u64 {
    addr & !(align - 1)
}

/// Plain `+`: panics on overflow in debug builds, wraps in release, as the kernel's would.
pub const fn align_up(addr: u64, align: u64) -> u64 {
    (addr + align - 1) & !(align - 1)
}

#[allow(clippy::all)]
pub mod frame_allocator {
    /// A minimal stand-in for `spin::Mutex`: a test-and-set spinlock (acquire on lock, release on
    /// unlock) with a const constructor. The guard releases the lock on drop, so a panic that
    /// unwinds through a step leaves it free. Schedule noise (`crate::noise::lock_noise`) spins just
    /// after acquiring and just before releasing, so it perturbs critical sections too; a waiter yields
    /// after a short spin, since the holder may be preempted (threads outnumber cores).
    mod spin {
        use core::cell::UnsafeCell;
        use core::ops::{Deref, DerefMut};
        use core::sync::atomic::{AtomicBool, Ordering};

        const SPINS_BEFORE_YIELD: u32 = 128;

        pub struct Mutex<T> {
            locked: AtomicBool,
            data: UnsafeCell<T>,
        }

        unsafe impl<T: Send> Sync for Mutex<T> {}
        unsafe impl<T: Send> Send for Mutex<T> {}

        impl<T> Mutex<T> {
            pub const fn new(value: T) -> Self {
                Self { locked: AtomicBool::new(false), data: UnsafeCell::new(value) }
            }

            pub fn lock(&self) -> MutexGuard<'_, T> {
                while self
                    .locked
                    .compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed)
                    .is_err()
                {
                    let mut spins = 0u32;
                    while self.locked.load(Ordering::Relaxed) {
                        if spins < SPINS_BEFORE_YIELD {
                            spins += 1;
                            core::hint::spin_loop();
                        } else {
                            std::thread::yield_now();
                        }
                    }
                }
                crate::noise::lock_noise();
                MutexGuard { mutex: self }
            }
        }

        pub struct MutexGuard<'a, T> {
            mutex: &'a Mutex<T>,
        }

        impl<T> Deref for MutexGuard<'_, T> {
            type Target = T;
            fn deref(&self) -> &T {
                unsafe { &*self.mutex.data.get() }
            }
        }

        impl<T> DerefMut for MutexGuard<'_, T> {
            fn deref_mut(&mut self) -> &mut T {
                unsafe { &mut *self.mutex.data.get() }
            }
        }

        impl<T> Drop for MutexGuard<'_, T> {
            fn drop(&mut self) {
                crate::noise::lock_noise();
                self.mutex.locked.store(false, Ordering::Release);
            }
        }
    }

    include!(concat!(env!("OUT_DIR"), "/frame_allocator.rs"));
}
