// Prepares the allocator source for `include!`: see README.md.
use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process;

const MAX_LINE: &str = "const MAX_PHYSICAL_MEMORY: u64 = 16 * 1024 * 1024 * 1024;";
const FRAME_BYTES_PER_WORD: u64 = 64 * 4096;

const INSPECTION_BLOCK: &str = r#"

// ---- appended by framecheck-seed-driver's build.rs: read-only inspection helpers ----
impl FrameAllocator {
    /// The bitmap bit of frame `n` (true = used). `n` must be below `MAX_FRAMES`.
    pub fn framecheck_is_used(&self, n: usize) -> bool {
        self.is_allocated(n)
    }

    /// The bitmap capacity in frames (`MAX_FRAMES`).
    pub fn framecheck_max_frames() -> usize {
        MAX_FRAMES
    }

    /// The raw bitmap words (bit i of word w is frame w * 64 + i; 1 = used).
    pub fn framecheck_bitmap_words(&self) -> &[u64] {
        &self.bitmap[..]
    }
}
"#;

fn fail(msg: &str) -> ! {
    eprintln!("framecheck-seed-driver build: {msg}");
    println!("cargo:warning=framecheck-seed-driver build: {msg}");
    process::exit(1);
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=FRAMECHECK_ALLOCATOR_SRC");
    println!("cargo:rerun-if-env-changed=FRAMECHECK_MAX_PHYSICAL_MEMORY");

    let manifest_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let (src_path, name) = match env::var_os("FRAMECHECK_ALLOCATOR_SRC") {
        Some(p) if !p.is_empty() => {
            let p = PathBuf::from(p);
            let p = if p.is_absolute() { p } else { manifest_dir.join(p) };
            let stem = p
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let name: String = stem
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.' { c } else { '_' })
                .collect();
            (p, if name.is_empty() { "allocator".to_string() } else { name })
        }
        _ => (
            manifest_dir.join("../../../shared/seed/frame_allocator.rs"),
            "seed".to_string(),
        ),
    };
    println!("cargo:rerun-if-changed={}", src_path.display());
    println!("cargo:rustc-env=FRAMECHECK_DRIVER_NAME={name}");

    let text = match fs::read_to_string(&src_path) {
        Ok(t) => t,
        Err(e) => fail(&format!(
            "cannot read the allocator source {} ({e}); set FRAMECHECK_ALLOCATOR_SRC to the path of frame_allocator.rs",
            src_path.display()
        )),
    };

    // 1. Drop `//!` inner doc lines: they are not allowed in an include!d file.
    let mut out = String::with_capacity(text.len() + INSPECTION_BLOCK.len());
    for line in text.split_inclusive('\n') {
        if line.trim_start().starts_with("//!") {
            continue;
        }
        out.push_str(line);
    }

    // 2. Optionally shrink the bitmap.
    if let Ok(raw) = env::var("FRAMECHECK_MAX_PHYSICAL_MEMORY") {
        let raw = raw.trim();
        if !raw.is_empty() {
            let bytes: u64 = match raw.parse() {
                Ok(v) => v,
                Err(_) => fail(&format!(
                    "FRAMECHECK_MAX_PHYSICAL_MEMORY={raw:?} is not a decimal byte count"
                )),
            };
            if bytes == 0 || bytes % FRAME_BYTES_PER_WORD != 0 {
                fail(&format!(
                    "FRAMECHECK_MAX_PHYSICAL_MEMORY={bytes} must be a positive multiple of {FRAME_BYTES_PER_WORD} (64 frames of 4096 bytes)"
                ));
            }
            let count = out.matches(MAX_LINE).count();
            if count != 1 {
                fail(&format!(
                    "FRAMECHECK_MAX_PHYSICAL_MEMORY is set but the line `{MAX_LINE}` occurs {count} times in {} (expected exactly once)",
                    src_path.display()
                ));
            }
            out = out.replace(MAX_LINE, &format!("const MAX_PHYSICAL_MEMORY: u64 = {bytes};"));
        }
    }

    // 3. Inspection helpers, in the same module so they can see private items.
    out.push_str(INSPECTION_BLOCK);

    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("OUT_DIR"));
    let dest: &Path = &out_dir.join("frame_allocator.rs");
    if let Err(e) = fs::write(dest, out) {
        fail(&format!("cannot write {}: {e}", dest.display()));
    }
}
