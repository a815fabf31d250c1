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
    /// A minimal stand-in for `spin::Mutex`: a test-and-set spinlock with a const constructor.
    /// The guard releases the lock on drop, so a panic that unwinds through a step leaves it free.
    mod spin {
        use core::cell::UnsafeCell;
        use core::ops::{Deref, DerefMut};
        use core::sync::atomic::{AtomicBool, Ordering};

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
                    while self.locked.load(Ordering::Relaxed) {
                        core::hint::spin_loop();
                    }
                }
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
                self.mutex.locked.store(false, Ordering::Release);
            }
        }
    }

    include!(concat!(env!("OUT_DIR"), "/frame_allocator.rs"));
}
