//! Numbers as the page writes them for students: powers of ten with superscript exponents (10⁻⁶).

/// `10ᵉ` with the exponent in superscript digits: `power_of_ten(-6)` is "10⁻⁶".
pub fn power_of_ten(e: i64) -> String {
    const SUP: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    let sup: String = e
        .to_string()
        .chars()
        .map(|c| match c.to_digit(10) {
            Some(d) => SUP[d as usize],
            None => '⁻',
        })
        .collect();
    format!("10{sup}")
}

#[cfg(test)]
mod tests {
    use super::power_of_ten;

    #[test]
    fn exponents_are_superscript() {
        assert_eq!(power_of_ten(-6), "10⁻⁶");
        assert_eq!(power_of_ten(0), "10⁰");
        assert_eq!(power_of_ten(12), "10¹²");
    }
}
