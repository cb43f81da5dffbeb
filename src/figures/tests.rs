//! Rendering tests: every figure to SVG for the answer's scene and for harder cases.

use super::*;
use crate::report::Outcome;
use crate::surfaces::tests::{answer_data, answer_report, answer_scene, synthetic, synthetic_report};
use crate::surfaces::{build_scene, SceneOptions};

fn scene_for(groups: usize, n: usize) -> Scene {
    let d = synthetic(groups, n, 42);
    build_scene(&d, &synthetic_report(&d), &SceneOptions::default()).unwrap()
}

fn count(svg: &str, tag: &str) -> usize {
    svg.matches(tag).count()
}

fn marks(svg: &str) -> usize {
    count(svg, "<polyline") + count(svg, "<path") + count(svg, "<polygon")
}

#[test]
fn all_six_figures_render_with_titles_and_content() {
    let scene = answer_scene();
    for id in FigureId::ALL {
        let svg = render_svg(id, &scene, 600, 400).unwrap();
        let info = scene.figure(id.number()).unwrap();
        assert!(svg.starts_with("<svg"), "figure {}", id.number());
        assert!(svg.contains(&info.title), "figure {} lacks its title", id.number());
        assert!(svg.contains(&info.x_label), "figure {} lacks its x label", id.number());
        assert!(marks(&svg) >= 5, "figure {} draws {} lines", id.number(), marks(&svg));
    }
    let f1 = render_svg(FigureId::LinearFits, &scene, 600, 400).unwrap();
    assert!(count(&f1, "<circle") >= 400, "every observation is drawn");
    assert!(f1.contains("lm + factor(group)") && f1.contains("group 2"));
    let f3 = render_svg(FigureId::JointContour, &scene, 600, 400).unwrap();
    assert!(count(&f3, "<polygon") >= 5, "filled bands");
    assert!(f3.contains("maximum (−1.034, 1.006)") && f3.contains("close-up"));
    let f6 = render_svg(FigureId::BernoulliPart, &scene, 600, 400).unwrap();
    assert!(f6.contains("highest total integral") && f6.contains("highest peak"));
}

#[test]
fn more_groups_draw_more_lines_and_points() {
    let two = scene_for(2, 100);
    let five = scene_for(5, 100);
    for id in [FigureId::LinearFits, FigureId::LogisticFits] {
        let a = render_svg(id, &two, 600, 400).unwrap();
        let b = render_svg(id, &five, 600, 400).unwrap();
        assert!(marks(&b) > marks(&a), "figure {}: {} vs {}", id.number(), marks(&b), marks(&a));
        assert!(count(&b, "<circle") > count(&a, "<circle"));
        assert!(b.contains("group 5") && !a.contains("group 5"));
    }
    // Beyond eight groups the legend summarises and the markers change shape.
    let many = scene_for(12, 30);
    let svg = render_svg(FigureId::LogisticFits, &many, 600, 400).unwrap();
    assert!(svg.contains("and 5 more groups"));
    assert!(count(&svg, "<polygon") > 0 || count(&svg, "<rect") > 10, "repeated colours use other shapes");
}

#[test]
fn mapping_is_inside_the_image_and_carries_the_ranges() {
    let scene = answer_scene();
    for id in FigureId::ALL {
        let mut out = String::new();
        let m = {
            let root = SVGBackend::with_string(&mut out, (600, 400)).into_drawing_area();
            let m = draw(&root, id, &scene).unwrap();
            root.present().unwrap();
            m
        };
        let info = scene.figure(id.number()).unwrap();
        assert!(0.0 <= m.px[0] && m.px[0] < m.px[2] && m.px[2] <= 600.0, "{m:?}");
        assert!(0.0 <= m.px[1] && m.px[1] < m.px[3] && m.px[3] <= 400.0, "{m:?}");
        assert!(m.px[2] - m.px[0] > 300.0 && m.px[3] - m.px[1] > 200.0, "plot too small: {m:?}");
        assert_eq!(m.data, [info.x_range[0], info.x_range[1], info.y_range[0], info.y_range[1]]);
        assert!(!m.log_y);
    }
}

#[test]
fn failed_models_draw_their_sentence() {
    let data = answer_data();
    let mut report = answer_report(&data);
    report.glmm_agq = Outcome::Failed { error: "PIRLS did not converge.".into() };
    report.lm_group = Outcome::Failed { error: "the design is rank deficient".into() };
    let scene = build_scene(&data, &report, &SceneOptions::default()).unwrap();
    for id in
        [FigureId::JointContour, FigureId::JointContourAdjusted, FigureId::RandomEffectsPart, FigureId::BernoulliPart]
    {
        let svg = render_svg(id, &scene, 600, 400).unwrap();
        assert!(svg.contains("could not be fitted"), "figure {}", id.number());
        assert!(svg.contains("PIRLS") || svg.contains("converge"), "figure {}", id.number());
    }
    let f1 = render_svg(FigureId::LinearFits, &scene, 600, 400).unwrap();
    assert!(f1.contains("rank deficient") && !f1.contains("lm + factor(group)"));
    let f2 = render_svg(FigureId::LogisticFits, &scene, 600, 400).unwrap();
    assert!(f2.contains("glm + factor(group)") && !f2.contains("population average"));
}

#[test]
fn odd_scenes_never_panic() {
    let mut data = answer_data();
    data.y = None;
    let scene = build_scene(&data, &answer_report(&data), &SceneOptions::default()).unwrap();
    assert!(render_svg(FigureId::LinearFits, &scene, 600, 400).unwrap().contains("no continuous outcome"));
    let one = synthetic(1, 30, 9);
    let scene =
        build_scene(&one, &synthetic_report(&one), &SceneOptions { pair: (0, 0), ..Default::default() }).unwrap();
    for id in FigureId::ALL {
        render_svg(id, &scene, 300, 200).unwrap();
    }
    // Tiny and lopsided sizes draw something or say why, never panic.
    let answer = answer_scene();
    for (w, h) in [(16, 16), (40, 900), (900, 40)] {
        for id in FigureId::ALL {
            let _ = render_svg(id, &answer, w, h);
            let _ = render_png(id, &answer, w, h);
        }
    }
    // A scene without descriptions is an error, not a panic; so is a silly size.
    assert!(matches!(render_svg(FigureId::LinearFits, &Scene::default(), 600, 400), Err(Error::Drawing(_))));
    assert!(matches!(render_svg(FigureId::LinearFits, &answer_scene(), 5, 400), Err(Error::InvalidParameter { .. })));
    // The answer's close-up as the main view.
    let close = build_scene(
        &answer_data(),
        &answer_report(&answer_data()),
        &SceneOptions { span_sd: 0.15, ..Default::default() },
    )
    .unwrap();
    assert!(close.joint.as_ref().unwrap().closeup.is_none());
    render_svg(FigureId::JointContour, &close, 600, 400).unwrap();
}

#[test]
fn figure_numbers_round_trip() {
    for id in FigureId::ALL {
        assert_eq!(FigureId::from_number(id.number()), Some(id));
    }
    assert_eq!(FigureId::from_number(0), None);
    assert_eq!(FigureId::from_number(7), None);
}

#[test]
fn png_is_a_png_of_the_right_size() {
    let png = render_png(FigureId::BernoulliPart, &answer_scene(), 300, 200).unwrap();
    assert_eq!(&png[..8], &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]);
    assert_eq!(u32::from_be_bytes(png[16..20].try_into().unwrap()), 300);
    assert_eq!(u32::from_be_bytes(png[20..24].try_into().unwrap()), 200);
}

/// `GLMM_FIGURE_DIR=/some/dir cargo test --lib figures::tests::scratch_render` writes every figure
/// of a few scenes as PNG and SVG there, for looking at.
#[test]
fn scratch_render() {
    let Ok(dir) = std::env::var("GLMM_FIGURE_DIR") else { return };
    let data = answer_data();
    let mut failed = answer_report(&data);
    failed.glmm_agq = Outcome::Failed { error: "PIRLS did not converge after 30 iterations.".into() };
    failed.lm_group = Outcome::Failed { error: "the design matrix is rank deficient".into() };
    let cases = [
        ("", answer_scene(), 600, 400),
        ("big-", answer_scene(), 1200, 800),
        ("g5-", scene_for(5, 200), 600, 400),
        ("g12-", scene_for(12, 3000), 600, 400),
        ("fail-", build_scene(&data, &failed, &SceneOptions::default()).unwrap(), 600, 400),
        (
            "close-",
            build_scene(&data, &answer_report(&data), &SceneOptions { span_sd: 0.15, ..Default::default() }).unwrap(),
            600,
            400,
        ),
    ];
    for (prefix, scene, w, h) in cases {
        for id in FigureId::ALL {
            let png = render_png(id, &scene, w, h).unwrap();
            std::fs::write(format!("{dir}/{prefix}fig{}.png", id.number()), png).unwrap();
            let svg = render_svg(id, &scene, w, h).unwrap();
            std::fs::write(format!("{dir}/{prefix}fig{}.svg", id.number()), svg).unwrap();
        }
    }
}
