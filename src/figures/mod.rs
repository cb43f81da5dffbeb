//! Figures drawn once with plotters against any backend (canvas, SVG, PNG).
