//! Colours and marks: the Okabe–Ito palette for groups, a calm sequential palette for likelihood
//! bands.
//!
//! Groups take the seven Okabe–Ito colours without black (black is kept for the population
//! average and reference lines); from the 8th group on the colours repeat with another marker shape
//! and line width, so that groups 1 and 8 remain distinguishable.

use plotters::style::RGBColor;

/// Okabe–Ito without black: orange, sky blue, bluish green, yellow, blue, vermillion, reddish purple.
pub const OKABE_ITO: [RGBColor; 7] = [
    RGBColor(0xE6, 0x9F, 0x00),
    RGBColor(0x56, 0xB4, 0xE9),
    RGBColor(0x00, 0x9E, 0x73),
    RGBColor(0xF0, 0xE4, 0x42),
    RGBColor(0x00, 0x72, 0xB2),
    RGBColor(0xD5, 0x5E, 0x00),
    RGBColor(0xCC, 0x79, 0xA7),
];

pub const BLACK: RGBColor = RGBColor(0, 0, 0);
pub const INK: RGBColor = RGBColor(0x22, 0x22, 0x22);
pub const GREY: RGBColor = RGBColor(0x66, 0x66, 0x66);
pub const LIGHT_GREY: RGBColor = RGBColor(0xCC, 0xCC, 0xCC);
pub const WHITE: RGBColor = RGBColor(0xFF, 0xFF, 0xFF);
/// Okabe–Ito blue and vermillion, for the two intercepts of figure 6 and the maximum marker.
pub const BLUE: RGBColor = RGBColor(0x00, 0x72, 0xB2);
pub const VERMILLION: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
pub const GREEN: RGBColor = RGBColor(0x00, 0x9E, 0x73);

/// Light-to-dark yellow–green–blue (ColorBrewer YlGnBu), one colour per likelihood band from the
/// lowest (outside every contour) to the highest (inside the innermost).
pub const BANDS: [RGBColor; 6] = [
    RGBColor(0xFF, 0xFF, 0xE5),
    RGBColor(0xED, 0xF8, 0xB1),
    RGBColor(0xC7, 0xE9, 0xB4),
    RGBColor(0x7F, 0xCD, 0xBB),
    RGBColor(0x41, 0xB6, 0xC4),
    RGBColor(0x1D, 0x91, 0xC0),
];

/// Colour of band `k` among `n` bands (spread over [`BANDS`] when there are fewer).
pub fn band(k: usize, n: usize) -> RGBColor {
    if n <= 1 {
        return BANDS[BANDS.len() - 1];
    }
    let pos = k.min(n - 1) as f64 / (n - 1) as f64 * (BANDS.len() - 1) as f64;
    BANDS[pos.round() as usize]
}

/// Marker shapes, cycled with each round of colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Circle,
    Triangle,
    Square,
    Diamond,
}

/// How group `g` (0-based) is drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GroupStyle {
    pub color: RGBColor,
    pub shape: Shape,
    /// Line width multiplier (1 for the first seven groups, then 0.6, 1.6, …).
    pub width: f64,
}

pub fn group_style(g: usize) -> GroupStyle {
    let round = g / OKABE_ITO.len();
    GroupStyle {
        color: OKABE_ITO[g % OKABE_ITO.len()],
        shape: [Shape::Circle, Shape::Triangle, Shape::Square, Shape::Diamond][round % 4],
        width: [1.0, 0.6, 1.6, 0.8][round % 4],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_beyond_seven_repeat_colours_with_another_shape() {
        assert_eq!(group_style(0).color, group_style(7).color);
        assert_ne!(group_style(0).shape, group_style(7).shape);
        assert_ne!(group_style(0).color, group_style(1).color);
        assert_eq!(band(0, 6), BANDS[0]);
        assert_eq!(band(5, 6), BANDS[5]);
        assert_eq!(band(3, 4), BANDS[5]);
    }
}
