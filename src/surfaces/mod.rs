//! Surfaces for the figures: likelihood grids, decomposition curves, fitted curves.
