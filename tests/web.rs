//! The wasm bindings in a real browser (wasm-bindgen-test, headless Chromium through chromedriver):
//! `cargo test --target wasm32-unknown-unknown --test web` (see `./build.sh test`).
#![cfg(target_arch = "wasm32")]

use glmm_demo::bindings::{last_panic, merge_params, parse_hash, version, Demo};
use js_sys::{Array, Reflect, JSON};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::HtmlCanvasElement;

wasm_bindgen_test_configure!(run_in_browser);

fn json(s: &str) -> JsValue {
    JSON::parse(s).expect("valid JSON")
}

fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(key)).expect("an object")
}

fn num(v: &JsValue, path: &[&str]) -> f64 {
    let mut cur = v.clone();
    for k in path {
        cur = match k.parse::<u32>() {
            Ok(i) => Array::from(&cur).get(i),
            Err(_) => get(&cur, k),
        };
    }
    cur.as_f64().unwrap_or_else(|| panic!("{path:?} is not a number"))
}

fn message(e: wasm_bindgen::JsError) -> String {
    let v: JsValue = e.into();
    v.dyn_into::<js_sys::Error>().expect("an Error").message().into()
}

fn fitted() -> Demo {
    let mut d = Demo::new();
    d.set(JsValue::UNDEFINED).expect("the answer's example fits");
    d
}

#[wasm_bindgen_test]
fn version_is_the_crates() {
    assert_eq!(version(), env!("CARGO_PKG_VERSION"));
    assert_eq!(Demo::crate_version(), version());
    assert_eq!(last_panic(), "");
}

#[wasm_bindgen_test]
fn new_is_the_answer_and_fits_nothing_yet() {
    let mut d = Demo::new();
    assert!(d.results().unwrap().is_null());
    let p = d.params().unwrap();
    assert_eq!(get(&p, "preset").as_string().as_deref(), Some("answer"));
    assert_eq!(num(&p, &["groups"]), 2.0);
    assert_eq!(num(&p, &["nagq"]), 100.0);
    assert_eq!(d.csv(), "");
}

#[wasm_bindgen_test]
fn set_fits_every_model_with_the_cli_keys() {
    let mut d = fitted();
    let r = d.results().unwrap();
    for key in [
        "data", "lm_pooled", "lm_group", "lmm", "glm_pooled", "glm_group", "glmm_laplace", "glmm_agq",
        "joint_mode", "marginal_exact",
    ] {
        let v = get(&r, key);
        assert!(v.is_object(), "{key} is an object");
        assert!(get(&v, "error").is_undefined(), "{key} is fitted");
    }
    // A plain JSON-compatible object (not a Map), with the answer's numbers.
    assert!(!r.is_instance_of::<js_sys::Map>());
    assert!((num(&r, &["glmm_agq", "fixef", "0"]) - 1.3165318).abs() < 5e-5);
    assert!((num(&r, &["glmm_agq", "ranef_sum"]) + 0.02749356).abs() < 5e-5);
    assert!(num(&r, &["lmm", "ranef_sum"]).abs() < 1e-10);
    assert_eq!(num(&r, &["data", "n_obs"]), 400.0);
    assert!(d.csv().starts_with("group,y,y_bin,x\n"));
    assert_eq!(d.csv().lines().count(), 401);
}

#[wasm_bindgen_test]
fn a_partial_set_keeps_the_rest() {
    let mut d = fitted();
    let p = d.set(json(r#"{"groups": 5}"#)).unwrap();
    assert_eq!(num(&p, &["groups"]), 5.0);
    assert_eq!(Array::from(&get(&p, "thresholds")).length(), 5);
    assert_eq!(get(&p, "preset").as_string().as_deref(), Some("custom"));
    assert_eq!(num(&p, &["nagq"]), 100.0);
    let r = d.results().unwrap();
    assert_eq!(Array::from(&get(&get(&r, "glmm_agq"), "ranef")).length(), 5);
    d.set_pair(2, 4).unwrap();
    assert_eq!(d.pair(), vec![2, 4]);
}

#[wasm_bindgen_test]
fn a_bad_parameter_is_an_error_not_a_panic() {
    let mut d = fitted();
    let before = JSON::stringify(&d.params().unwrap()).unwrap();
    let e = d.set(json(r#"{"nagq": 0}"#)).unwrap_err();
    assert_eq!(message(e), "nagq must be a whole number from 1 to 100, but it is 0.");
    let e = d.set(json(r#"{"thresholds": [0.5, 2]}"#)).unwrap_err();
    assert_eq!(message(e), "thresholds must be numbers between 0 and 1, but it is 2 for group 2.");
    let e = d.set(json(r#"{"colour": "red"}"#)).unwrap_err();
    assert!(message(e).starts_with("There is no parameter called \"colour\""));
    let e = d.set(json("[1, 2]")).unwrap_err();
    assert!(message(e).starts_with("Parameters must be an object"));
    assert_eq!(JSON::stringify(&d.params().unwrap()).unwrap(), before, "nothing changed");
    let e = d.set_pair(1, 1).unwrap_err();
    assert!(message(e).starts_with("pair must be two different groups"));
    assert!(d.svg(10, 100, 100).is_err());
    assert_eq!(last_panic(), "");
}

#[wasm_bindgen_test]
fn draw_sizes_the_canvas_by_the_pixel_ratio_and_returns_the_mapping() {
    let d = fitted();
    let doc = web_sys::window().unwrap().document().unwrap();
    let canvas: HtmlCanvasElement = doc.create_element("canvas").unwrap().dyn_into().unwrap();
    // Not in the document: its attribute size stands for its CSS size.
    canvas.set_width(400);
    canvas.set_height(300);
    for figure in 1..=6u8 {
        canvas.set_width(400);
        canvas.set_height(300);
        let m = d.draw(figure, canvas.clone(), 2.0).unwrap_or_else(|e| panic!("figure {figure}: {}", message(e)));
        assert_eq!((canvas.width(), canvas.height()), (800, 600), "figure {figure}");
        let px = Array::from(&get(&m, "px"));
        let (l, t, r, b) = (px.get(0).as_f64().unwrap(), px.get(1).as_f64().unwrap(), px.get(2).as_f64().unwrap(), px.get(3).as_f64().unwrap());
        assert!(0.0 <= l && l < r && r <= 400.0 && 0.0 <= t && t < b && b <= 300.0, "figure {figure}: mapping in CSS pixels");
        assert_eq!(Array::from(&get(&m, "data")).length(), 4);
    }
    let e = d.draw(0, canvas, 1.0).unwrap_err();
    assert_eq!(message(e), "figure must be a figure number from 1 to 9, but it is 0.");
}

#[wasm_bindgen_test]
fn svg_is_drawn_by_the_same_code() {
    let d = fitted();
    let svg = d.svg(2, 640, 480).unwrap();
    assert!(svg.contains("<svg"));
    assert!(svg.contains("640"));
}

#[wasm_bindgen_test]
fn a_state_moves_to_another_demo() {
    let mut worker = Demo::new();
    worker.set(json(r#"{"groups": 4, "n": 50}"#)).unwrap();
    worker.set_pair(3, 1).unwrap();
    let state = worker.state_bytes().unwrap();
    let mut page = Demo::new();
    page.load_state_bytes(&state, worker.results().unwrap()).unwrap();
    assert_eq!(JSON::stringify(&page.params().unwrap()).unwrap(), JSON::stringify(&worker.params().unwrap()).unwrap());
    assert_eq!(JSON::stringify(&page.results().unwrap()).unwrap(), JSON::stringify(&worker.results().unwrap()).unwrap());
    assert_eq!(page.pair(), vec![3, 1]);
    assert_eq!(page.svg(3, 320, 240).unwrap(), worker.svg(3, 320, 240).unwrap(), "the same scene");
    assert_eq!(page.csv(), worker.csv(), "the data simulated again");
    assert!(page.load_state_bytes(&[1, 2, 3], worker.results().unwrap()).is_err());
}

#[wasm_bindgen_test]
fn permalinks_r_code_and_descriptions() {
    let mut d = fitted();
    assert_eq!(d.to_hash(), "#preset=answer&seed=1&groups=2&n=200&t=0.5,0.1&yc=0.5&sp=2&c=1&nagq=100");
    d.set(json(r#"{"seed": 9, "groups": 3}"#)).unwrap();
    d.set_pair(2, 0).unwrap();
    let h = d.to_hash_with_view(true, "3,table", Some(true));
    assert!(h.ends_with("&embed=1&panels=3,table&pair=3,1&dark=1"), "{h}");
    let parsed = parse_hash(&h).unwrap();
    assert_eq!(num(&parsed, &["params", "seed"]), 9.0);
    assert_eq!(get(&get(&parsed, "view"), "embed").as_bool(), Some(true));
    assert_eq!(Array::from(&get(&parsed, "notices")).length(), 0);
    let bad = parse_hash("#groups=<b>&seed=2").unwrap();
    assert_eq!(num(&bad, &["params", "groups"]), 2.0);
    assert_eq!(num(&bad, &["params", "seed"]), 2.0);
    let notice = Array::from(&get(&bad, "notices")).get(0).as_string().unwrap();
    assert!(notice.contains("groups") && !notice.contains('<'), "{notice}");
    assert!(d.r_code().contains("set.seed(9)"));
    let figs = Array::from(&d.figures().unwrap());
    assert_eq!(figs.length(), 9);
    assert!(get(&figs.get(0), "alt").as_string().unwrap().len() > 20);
    let merged = merge_params(d.params().unwrap(), json(r#"{"nagq": 5}"#)).unwrap();
    assert_eq!(num(&merged, &["nagq"]), 5.0);
    assert_eq!(num(&merged, &["seed"]), 9.0);
    assert!(d.merge(json(r#"{"nagq": 0}"#)).is_err());
}
