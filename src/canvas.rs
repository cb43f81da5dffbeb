//! The one plotters backend wrapper of the page: any backend (the canvas, the SVG export) with text measured
//! by the browser's canvas, and on a canvas, laid out in CSS pixels while rasterised at the device's.
//!
//! plotters measures text in the browser by adding a `<span>` with a `style` attribute to the page, which a
//! strict Content-Security-Policy (`style-src 'self'`) refuses; a detached canvas's `measureText` gives the same
//! box without touching the page (`measure_text`). On a canvas the context is scaled by the device pixel
//! ratio and plotters is told the CSS size, so figures are laid out in CSS pixels and drawn at full
//! resolution; markers (circles) are drawn on the context directly, keeping its style between markers of the
//! same paint: thousands of points of one colour then cost one style change, not one each.

use plotters::prelude::*;
use plotters_backend::{BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind};
use plotters_canvas::CanvasBackend;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use crate::error::{Error, Result};

/// A marker's paint as the context holds it: colour (alpha by its bits), filled or stroked, line width.
type MarkerStyle = ((u8, u8, u8), u64, bool, u32);

/// The canvas context the markers are drawn on, and the paint it holds from the last marker while nothing
/// else has drawn.
struct Markers {
    ctx: CanvasRenderingContext2d,
    style: Option<MarkerStyle>,
}

/// A backend with text measured by `measure_text`; on a canvas, also its CSS size and its markers.
pub struct PageBackend<DB> {
    inner: DB,
    /// The size plotters lays the figure out in.
    size: (u32, u32),
    markers: Option<Markers>,
}

impl<DB: DrawingBackend> PageBackend<DB> {
    /// `inner` at its own size, with text measured by the browser (the SVG export).
    pub fn measured(inner: DB) -> Self {
        let size = inner.get_size();
        PageBackend { inner, size, markers: None }
    }

    /// Anything but a marker is about to draw: the context's paint is no longer the last marker's.
    fn forget_marker(&mut self) {
        if let Some(m) = self.markers.as_mut() {
            m.style = None;
        }
    }
}

impl PageBackend<CanvasBackend> {
    /// `canvas` with its backing store sized to its CSS size × `dpr` (clamped to 0.5–4) and the context scaled
    /// to match; a canvas not laid out (hidden) keeps its attribute size as its CSS size.
    pub fn on_canvas(canvas: HtmlCanvasElement, dpr: f64) -> Result<Self> {
        let dpr = if dpr.is_finite() { dpr.clamp(0.5, 4.0) } else { 1.0 };
        let (mut css_w, mut css_h) = (canvas.client_width(), canvas.client_height());
        if css_w <= 0 || css_h <= 0 {
            css_w = canvas.width().max(1) as i32;
            css_h = canvas.height().max(1) as i32;
        }
        let (css_w, css_h) = (css_w as u32, css_h as u32);
        canvas.set_width((css_w as f64 * dpr).round() as u32);
        canvas.set_height((css_h as f64 * dpr).round() as u32);
        let no_context = || Error::Usage("This canvas has no 2D context.".into());
        let ctx: CanvasRenderingContext2d =
            canvas.get_context("2d").ok().flatten().and_then(|c| c.dyn_into().ok()).ok_or_else(no_context)?;
        ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0).map_err(|_| Error::Usage("The canvas could not be scaled.".into()))?;
        let inner = CanvasBackend::with_canvas_object(canvas).ok_or_else(no_context)?;
        Ok(PageBackend { inner, size: (css_w, css_h), markers: Some(Markers { ctx, style: None }) })
    }
}

impl<DB: DrawingBackend> DrawingBackend for PageBackend<DB> {
    type ErrorType = DB::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.size
    }
    fn ensure_prepared(&mut self) -> std::result::Result<(), DrawingErrorKind<DB::ErrorType>> {
        self.inner.ensure_prepared()
    }
    fn present(&mut self) -> std::result::Result<(), DrawingErrorKind<DB::ErrorType>> {
        self.inner.present()
    }
    fn draw_pixel(&mut self, p: BackendCoord, c: BackendColor) -> std::result::Result<(), DrawingErrorKind<DB::ErrorType>> {
        self.forget_marker();
        self.inner.draw_pixel(p, c)
    }
    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> std::result::Result<(), DrawingErrorKind<DB::ErrorType>> {
        self.forget_marker();
        self.inner.draw_line(from, to, style)
    }
    fn draw_rect<S: BackendStyle>(
        &mut self,
        ul: BackendCoord,
        br: BackendCoord,
        style: &S,
        fill: bool,
    ) -> std::result::Result<(), DrawingErrorKind<DB::ErrorType>> {
        self.forget_marker();
        self.inner.draw_rect(ul, br, style, fill)
    }
    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> std::result::Result<(), DrawingErrorKind<DB::ErrorType>> {
        self.forget_marker();
        self.inner.draw_path(path, style)
    }
    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> std::result::Result<(), DrawingErrorKind<DB::ErrorType>> {
        let Some(m) = self.markers.as_mut() else { return self.inner.draw_circle(center, radius, style, fill) };
        let color = style.color();
        if color.alpha == 0.0 {
            return Ok(());
        }
        let key = (color.rgb, color.alpha.to_bits(), fill, style.stroke_width());
        if m.style != Some(key) {
            let css = format!("rgba({},{},{},{})", color.rgb.0, color.rgb.1, color.rgb.2, color.alpha);
            if fill {
                m.ctx.set_fill_style_str(&css);
            } else {
                m.ctx.set_stroke_style_str(&css);
                m.ctx.set_line_width(f64::from(style.stroke_width()));
            }
            m.style = Some(key);
        }
        m.ctx.begin_path();
        let (x, y, r) = (f64::from(center.0), f64::from(center.1), f64::from(radius));
        if m.ctx.arc(x, y, r, 0.0, std::f64::consts::TAU).is_err() {
            // Only a negative radius throws; let the inner backend report it in its own error type.
            m.style = None;
            return self.inner.draw_circle(center, radius, style, fill);
        }
        if fill {
            m.ctx.fill();
        } else {
            m.ctx.stroke();
        }
        Ok(())
    }
    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> std::result::Result<(), DrawingErrorKind<DB::ErrorType>> {
        self.forget_marker();
        self.inner.fill_polygon(vert, style)
    }
    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> std::result::Result<(), DrawingErrorKind<DB::ErrorType>> {
        self.forget_marker();
        self.inner.draw_text(text, style, pos)
    }
    fn estimate_text_size<S: BackendTextStyle>(
        &self,
        text: &str,
        style: &S,
    ) -> std::result::Result<(u32, u32), DrawingErrorKind<DB::ErrorType>> {
        match measure_text(text, style) {
            Some(size) => Ok(size),
            None => self.inner.estimate_text_size(text, style),
        }
    }
}

/// Text measured with a detached canvas's `measureText`, in the browser's main thread; `None` natively and
/// in a worker (no document): the backend's own estimate is used there.
#[cfg(target_arch = "wasm32")]
fn measure_text<S: BackendTextStyle>(text: &str, style: &S) -> Option<(u32, u32)> {
    use js_sys::{Function, Reflect};
    use wasm_bindgen::JsValue;
    thread_local! {
        static MEASURE: Option<(CanvasRenderingContext2d, Function)> = (|| {
            let doc = web_sys::window()?.document()?;
            let canvas: HtmlCanvasElement = doc.create_element("canvas").ok()?.dyn_into().ok()?;
            let ctx: CanvasRenderingContext2d = canvas.get_context("2d").ok()??.dyn_into().ok()?;
            let f: Function = Reflect::get(&ctx, &JsValue::from_str("measureText")).ok()?.dyn_into().ok()?;
            Some((ctx, f))
        })();
    }
    MEASURE.with(|m| {
        let (ctx, f) = m.as_ref()?;
        // The same font string as plotters-canvas draws with.
        ctx.set_font(&format!("{} {}px {}", style.style().as_str(), style.size(), style.family().as_str()));
        let metrics = f.call1(ctx, &JsValue::from_str(text)).ok()?;
        let get = |k: &str| Reflect::get(&metrics, &JsValue::from_str(k)).ok().and_then(|v| v.as_f64());
        let width = get("width")?;
        let height = match (get("fontBoundingBoxAscent"), get("fontBoundingBoxDescent")) {
            (Some(a), Some(d)) if a + d > 0.0 => a + d,
            _ => style.size() * 1.15,
        };
        Some((width.round().max(0.0) as u32, height.round().max(0.0) as u32))
    })
}

#[cfg(not(target_arch = "wasm32"))]
fn measure_text<S: BackendTextStyle>(_text: &str, _style: &S) -> Option<(u32, u32)> {
    None
}
