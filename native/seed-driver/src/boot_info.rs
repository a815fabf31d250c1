//! The boot-info types the seed imports (`crate::boot_info::{BootInfo, MemoryMap, MemoryRegionType}`).
#![allow(dead_code)]

/// Firmware kind of a memory-map entry.
#[derive(PartialEq, Eq, Clone, Copy, Debug)]
pub enum MemoryRegionType {
    Usable,
    Reserved,
    AcpiReclaimable,
    AcpiNvs,
    BadMemory,
    Bootloader,
    KernelImage,
    FrameBuffer,
}

impl MemoryRegionType {
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "Usable" => Self::Usable,
            "Reserved" => Self::Reserved,
            "AcpiReclaimable" => Self::AcpiReclaimable,
            "AcpiNvs" => Self::AcpiNvs,
            "BadMemory" => Self::BadMemory,
            "Bootloader" => Self::Bootloader,
            "KernelImage" => Self::KernelImage,
            "FrameBuffer" => Self::FrameBuffer,
            _ => return None,
        })
    }
}

/// One memory-map entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MemoryRegion {
    pub base: u64,
    pub length: u64,
    pub region_type: MemoryRegionType,
}

/// The boot memory map, in insertion order.
#[derive(Clone, Debug, Default)]
pub struct MemoryMap {
    regions: Vec<MemoryRegion>,
}

impl MemoryMap {
    pub fn empty() -> Self {
        Self { regions: Vec::new() }
    }

    pub fn add(&mut self, base: u64, length: u64, region_type: MemoryRegionType) {
        self.regions.push(MemoryRegion { base, length, region_type });
    }

    pub fn iter(&self) -> impl Iterator<Item = &MemoryRegion> + '_ {
        self.regions.iter()
    }
}

/// What the bootloader hands the kernel (only the fields the seed reads).
#[derive(Clone, Debug)]
pub struct BootInfo {
    pub memory_map: MemoryMap,
    pub kernel_physical_base: u64,
}
