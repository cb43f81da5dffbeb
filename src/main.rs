#[cfg(not(target_arch = "wasm32"))]
fn main() {
    std::process::exit(glmm_demo::cli::main());
}

/// The command line is native only; the WebAssembly build is the library (see build.sh).
#[cfg(target_arch = "wasm32")]
fn main() {}
