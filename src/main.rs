fn main() {
    std::process::exit(glmm_demo::cli::main());
}
