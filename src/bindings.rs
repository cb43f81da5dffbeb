//! The only `#[wasm_bindgen]` file: convert, call, return.
