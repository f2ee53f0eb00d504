//! Builds HiGHS 1.16.0, the C++ solver behind the `highs` crate, with nothing
//! but a C and a C++ compiler.
//!
//! Why by hand. The crates.io `highs-sys` 1.16.0 builds HiGHS with CMake and
//! generates its Rust declarations with bindgen, which loads libclang. This
//! project's rule is that `cargo run --release -- simulate` builds on a machine
//! with only the Rust toolchain, gcc/g++, make and python3, and no published
//! crate builds HiGHS without CMake. So the root `Cargo.toml` patches
//! `highs-sys` to this crate, and this script does CMake's part for the one
//! configuration the crates.io package builds by default (features `build` and
//! `highs_release`), leaving the compiling to the `cc` crate:
//!
//! - the sources of HiGHS's `highs` library target (`cmake/sources.cmake`;
//!   HiGHS's `BUILD.bazel` globs the same 235 files), with the same include
//!   directories;
//! - `-O3 -DNDEBUG`, C++11, `-mpopcnt` on x86, whatever the cargo profile, as
//!   `highs_release` does (CMake's Release build type);
//! - `HConfig.h`, which CMake generates from `highs/HConfig.h.in`, written into
//!   OUT_DIR with the values CMake chooses for that build: FAST_BUILD, the PDLP
//!   solver on the CPU, no zlib, no HiPO, a 32-bit `HighsInt` (`src/lib.rs`
//!   declares it as `c_int`), the shared "extras" library looked for at run
//!   time. That library (HiPO's orderings and BLAS) is not built, as the
//!   crates.io package does not link it either: HiGHS tries to load it only
//!   when asked for HiPO, and without it uses its other solvers.
//!
//! Where the sources come from. HiGHS is not copied into this repository; the
//! published `highs-sys` 1.16.0 package ships it whole under `HiGHS/`. It
//! cannot be an ordinary dependency of a crate here: the root patch resolves
//! every `highs-sys` 1.16.0 to this crate, and cargo never downloads a package
//! that sits only under an impossible target (`cfg(any())`) while it still
//! locks that package's whole build graph (bindgen and 25 more crates). So this
//! script has cargo (`$CARGO`) hand it over: it writes into OUT_DIR a manifest
//! whose one dependency is `highs-sys = "=1.16.0"`, with a lockfile that pins
//! the package's crates.io checksum, and runs `cargo vendor --locked` on it,
//! which copies the package's files into OUT_DIR after checking them against
//! that checksum. It runs offline first, taking the package from the local
//! cargo registry (or from wherever the user's source replacement, e.g. a
//! vendored directory, points); only when the package is not there does it
//! run again online, which downloads it once. In that manifest highs-sys's
//! build-dependency bindgen is patched to an empty placeholder, so that cargo
//! takes one package instead of 27; nothing in it is ever compiled. (`cargo
//! metadata` would give the package's path without a copy, but reading its
//! JSON needs serde_json as a build-dependency, whose features vary with the
//! packages being built and would change this script's hash: each `cargo -p`
//! selection would compile HiGHS anew.)

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, exit};

/// The crates.io package whose `HiGHS/` directory is built, and its checksum
/// on crates.io (the one in a `Cargo.lock` that depends on it).
const PACKAGE: &str = "highs-sys";
const VERSION: &str = "1.16.0";
const CHECKSUM: &str = "b22814913bcde7f8056d1cb8b191800a4f62e150d7951cfa60776a0c15846ec8";

/// The include directories of HiGHS's `highs` target (`include_dirs` in
/// `cmake/sources.cmake`, less the ones that do not exist in 1.16.0).
const INCLUDE_DIRS: &[&str] = &[
    "extern",
    "highs",
    "highs/interfaces",
    "highs/io",
    "highs/ipm",
    "highs/ipm/ipx",
    "highs/ipm/basiclu",
    "highs/lp_data",
    "highs/mip",
    "highs/model",
    "highs/parallel",
    "highs/pdlp",
    "highs/pdlp/cupdlp",
    "highs/pdlp/hipdlp",
    "highs/presolve",
    "highs/qpsolver",
    "highs/simplex",
    "highs/util",
];

/// The C++ sources: single files, then every file with the extension in a
/// directory.
const CXX_FILES: &[&str] =
    &["highs/interfaces/highs_c_api.cpp", "highs/HighsExternalApi.cpp", "highs/HighsExternalDeps.cpp"];
const CXX_DIRS: &[(&str, &str)] = &[
    ("highs/io", "cpp"),
    ("highs/ipm", "cpp"),
    ("highs/ipm/ipx", "cc"),
    ("highs/ipm/hipo/ipm", "cpp"),
    ("highs/ipm/hipo/factorhighs", "cpp"),
    ("highs/ipm/hipo/auxiliary", "cpp"),
    ("highs/lp_data", "cpp"),
    ("highs/mip", "cpp"),
    ("highs/model", "cpp"),
    ("highs/parallel", "cpp"),
    ("highs/pdlp", "cpp"),
    ("highs/pdlp/hipdlp", "cc"),
    ("highs/presolve", "cpp"),
    ("highs/qpsolver", "cpp"),
    ("highs/simplex", "cpp"),
    ("highs/util", "cpp"),
];
/// The C sources (BASICLU and cuPDLP-C), compiled as C.
const C_DIRS: &[(&str, &str)] = &[("highs/ipm/basiclu", "c"), ("highs/pdlp/cupdlp", "c")];

fn main() {
    // A missing source or a failed compile is reported as a message, not as
    // a panic with a backtrace; cargo prints the build script's stderr.
    if let Err(message) = run() {
        eprintln!("error: {message}");
        exit(1);
    }
}

fn run() -> Result<(), String> {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=HIGHS_LIB_DIR");
    // A `libhighs.a` built before (by this script, for the same HiGHS
    // version and target) can be linked instead of compiling HiGHS again:
    // several checkouts of the project then share one build.
    if let Some(dir) = env::var_os("HIGHS_LIB_DIR") {
        let dir = PathBuf::from(dir);
        if !dir.join("libhighs.a").is_file() {
            return Err(format!("HIGHS_LIB_DIR is set but {} holds no libhighs.a", dir.display()));
        }
        println!("cargo:rustc-link-search=native={}", dir.display());
        println!("cargo:rustc-link-lib=static=highs");
        let apple = env::var("CARGO_CFG_TARGET_VENDOR").is_ok_and(|v| v == "apple");
        println!("cargo:rustc-link-lib={}", if apple { "c++" } else { "stdc++" });
        return Ok(());
    }
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").ok_or("OUT_DIR is not set: build this crate with cargo")?);
    let highs = locate_package(&out_dir)?.join("HiGHS");
    let version = read_version(&highs)?;
    let include = out_dir.join("include");
    write_config(&include, version)?;
    compile(&highs, &include)
}

/// The directory of a copy of the `highs-sys` 1.16.0 package's files,
/// fetched through cargo if it is not in the local registry yet.
fn locate_package(out_dir: &Path) -> Result<PathBuf, String> {
    let stub = out_dir.join("highs-sys-package");
    write_stub(&stub).map_err(|e| format!("cannot write {}: {e}", stub.display()))?;
    let vendor = stub.join("vendor");
    if let Err(offline) = cargo_vendor(&stub, &vendor, true) {
        cargo_vendor(&stub, &vendor, false).map_err(|online| {
            format!(
                "the HiGHS sources are missing. They come from the crates.io package {PACKAGE} {VERSION}, \
                 which is not in the local cargo registry, and cargo could not download it.\n\
                 To fix: build once with access to crates.io (or run `cargo fetch --manifest-path {}`); \
                 after that the build works offline.\n\
                 Offline, {offline}\nOnline, {online}",
                stub.join("Cargo.toml").display()
            )
        })?;
    }
    let package = vendor.join(format!("{PACKAGE}-{VERSION}"));
    let header = package.join("HiGHS/highs/interfaces/highs_c_api.h");
    if !header.is_file() {
        return Err(format!("{} is missing: the {PACKAGE} {VERSION} package has no HiGHS sources", header.display()));
    }
    Ok(package)
}

/// A manifest that depends on the package and nothing else, its lockfile (with
/// the crates.io checksum), and the placeholder for bindgen.
fn write_stub(stub: &Path) -> std::io::Result<()> {
    let placeholder = stub.join("bindgen-placeholder");
    fs::create_dir_all(&placeholder)?;
    fs::write(
        stub.join("Cargo.toml"),
        format!(
            "# Written by the highs-sys build script: only to get the {PACKAGE} {VERSION} package's files.\n\
             [package]\nname = \"{PACKAGE}-package\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\
             [lib]\npath = \"lib.rs\"\n\
             [dependencies]\n{PACKAGE} = {{ version = \"={VERSION}\", default-features = false }}\n\
             [patch.crates-io]\nbindgen = {{ path = \"bindgen-placeholder\" }}\n\
             [workspace]\n"
        ),
    )?;
    fs::write(
        stub.join("Cargo.lock"),
        format!(
            "version = 4\n\n\
             [[package]]\nname = \"bindgen\"\nversion = \"0.72.0\"\n\n\
             [[package]]\nname = \"{PACKAGE}\"\nversion = \"{VERSION}\"\n\
             source = \"registry+https://github.com/rust-lang/crates.io-index\"\nchecksum = \"{CHECKSUM}\"\n\
             dependencies = [\n \"bindgen\",\n]\n\n\
             [[package]]\nname = \"{PACKAGE}-package\"\nversion = \"0.0.0\"\ndependencies = [\n \"{PACKAGE}\",\n]\n"
        ),
    )?;
    fs::write(
        placeholder.join("Cargo.toml"),
        "[package]\nname = \"bindgen\"\nversion = \"0.72.0\"\nedition = \"2021\"\npublish = false\n[lib]\npath = \"lib.rs\"\n",
    )?;
    fs::write(placeholder.join("lib.rs"), "")?;
    fs::write(stub.join("lib.rs"), "")
}

/// Runs `cargo vendor --locked` on the stub manifest into `vendor`, with
/// `--offline` if `offline`; its error output as the error.
fn cargo_vendor(stub: &Path, vendor: &Path, offline: bool) -> Result<(), String> {
    let program = env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(&program);
    command.args(["vendor", "--locked", "--versioned-dirs", "--respect-source-config"]);
    if offline {
        command.arg("--offline");
    }
    let output = command
        .arg("--manifest-path")
        .arg(stub.join("Cargo.toml"))
        .arg(vendor)
        .current_dir(stub)
        .output()
        .map_err(|e| format!("cannot run {}: {e}", Path::new(&program).display()))?;
    if output.status.success() {
        Ok(())
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let mode = if offline { " --offline" } else { "" };
        Err(format!("`cargo vendor{mode}` failed: {}", stderr.trim()))
    }
}

/// HiGHS's version from `Version.txt`, which must be the one `src/lib.rs`
/// declares the C API of.
fn read_version(highs: &Path) -> Result<[u32; 3], String> {
    let path = highs.join("Version.txt");
    let text = fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let field = |name: &str| {
        text.lines()
            .find_map(|line| line.trim().strip_prefix(name)?.strip_prefix('=')?.trim().parse::<u32>().ok())
            .ok_or_else(|| format!("{} has no {name}", path.display()))
    };
    let version = [field("HIGHS_MAJOR")?, field("HIGHS_MINOR")?, field("HIGHS_PATCH")?];
    let found = format!("{}.{}.{}", version[0], version[1], version[2]);
    if found != VERSION {
        return Err(format!("{} says HiGHS {found}; this crate declares the C API of {VERSION}", path.display()));
    }
    Ok(version)
}

/// `HConfig.h` as HiGHS's CMake generates it from `highs/HConfig.h.in` for
/// the crates.io package's default build.
fn write_config(include: &Path, [major, minor, patch]: [u32; 3]) -> Result<(), String> {
    let arch = env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
    let msvc = cc::Build::new().get_compiler().is_like_msvc();
    let define = |name: &str, on: bool| {
        if on { format!("#define {name}\n") } else { format!("/* #undef {name} */\n") }
    };
    let header = [
        "/* Generated by the highs-sys build script (crates/highs-sys/build.rs). */\n".to_string(),
        "#ifndef HCONFIG_H_\n#define HCONFIG_H_\n\n".to_string(),
        define("FAST_BUILD", true),
        define("ZLIB_FOUND", false),
        define("CUPDLP_CPU", true),
        define("CUPDLP_GPU", false),
        define("HIPO", false),
        define("HIGHS_SHARED_EXTRAS_LIBRARY", true),
        "#define CMAKE_BUILD_TYPE \"Release\"\n".to_string(),
        define("HIGHSINT64", false),
        define("HIGHS_NO_DEFAULT_THREADS", false),
        // CMake compiles a test of `_mm_pause` from <immintrin.h>, of
        // `__builtin_clz` (not MSVC) and of `_BitScanReverse` (MSVC).
        define("HIGHS_HAVE_MM_PAUSE", arch == "x86_64" || arch == "x86"),
        define("HIGHS_HAVE_BUILTIN_CLZ", !msvc),
        define("HIGHS_HAVE_BITSCAN_REVERSE", msvc),
        "\n#define HIGHS_GITHASH \"n/a\"\n".to_string(),
        format!("#define HIGHS_VERSION_MAJOR {major}\n#define HIGHS_VERSION_MINOR {minor}\n"),
        format!("#define HIGHS_VERSION_PATCH {patch}\n\n#endif /* HCONFIG_H_ */\n"),
    ]
    .concat();
    fs::create_dir_all(include).map_err(|e| format!("cannot create {}: {e}", include.display()))?;
    let path = include.join("HConfig.h");
    fs::write(&path, header).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Compiles the C sources, then the C++ ones, into one static library
/// `libhighs.a`; the `cc` crate tells cargo to link it and the C++ standard
/// library (`stdc++`, or `c++` on Apple targets).
fn compile(highs: &Path, include: &Path) -> Result<(), String> {
    let base = || {
        let mut build = cc::Build::new();
        build.includes(INCLUDE_DIRS.iter().map(|dir| highs.join(dir))).include(include);
        // Release-level code whatever the cargo profile, without debug
        // information, like CMake's Release build; HiGHS's own warnings are
        // not this project's to fix (`warnings(false)` passes `-w`).
        build.opt_level(3).debug(false).define("NDEBUG", None).warnings(false).extra_warnings(false);
        build
    };
    let objects = base()
        .files(sources(highs, &[], C_DIRS)?)
        .try_compile_intermediates()
        .map_err(|e| format!("compiling HiGHS's C sources failed: {e}"))?;
    let mut cxx = base();
    cxx.cpp(true).std("c++11").files(sources(highs, CXX_FILES, CXX_DIRS)?).objects(objects);
    let arch = env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
    let vendor = env::var("CARGO_CFG_TARGET_VENDOR").unwrap_or_default();
    if (arch == "x86_64" || arch == "x86") && vendor != "apple" {
        cxx.flag_if_supported("-mpopcnt");
    }
    cxx.try_compile("highs").map_err(|e| format!("compiling HiGHS's C++ sources failed: {e}"))
}

/// The files, then the files with the extension in each directory, sorted.
fn sources(highs: &Path, files: &[&str], dirs: &[(&str, &str)]) -> Result<Vec<PathBuf>, String> {
    let mut all: Vec<PathBuf> = files.iter().map(|file| highs.join(file)).collect();
    for (dir, extension) in dirs {
        let dir = highs.join(dir);
        let entries = fs::read_dir(&dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
        let mut found = Vec::new();
        for entry in entries {
            let path = entry.map_err(|e| format!("cannot read {}: {e}", dir.display()))?.path();
            if path.extension().is_some_and(|e| e == *extension) {
                found.push(path);
            }
        }
        found.sort();
        all.extend(found);
    }
    Ok(all)
}
