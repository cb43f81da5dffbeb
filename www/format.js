// Number formatting for the table and the read-outs (display only: no numerics here).

const MINUS = '\u2212';

/** Fixed decimals with a typographic minus; -0 shows as 0; non-finite values as a dash. */
export function fixed(x, decimals = 6) {
  if (x === null || x === undefined || Number.isNaN(x)) return '—';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : `${MINUS}∞`;
  if (Math.abs(x) >= 1e6) return sci(x, 4);
  let s = x.toFixed(decimals);
  if (/^-0\.?0*$/.test(s)) s = s.slice(1);
  return s.replace('-', MINUS);
}

/** Scientific notation with a typographic minus and a times sign: 2.35×10⁻⁸². */
export function sci(x, digits = 3) {
  if (!Number.isFinite(x)) return fixed(x);
  const [m, e] = x.toExponential(digits - 1).split('e');
  const sup = String(Number(e)).replace('-', '⁻').replace(/\d/g, (d) => '⁰¹²³⁴⁵⁶⁷⁸⁹'[d]);
  return `${m.replace('-', MINUS)}×10${sup}`;
}

/** About four significant digits, for hover read-outs. */
export function short(x) {
  if (!Number.isFinite(x)) return fixed(x);
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return sci(x, 4);
  const decimals = a >= 100 ? 1 : a >= 10 ? 2 : a >= 1 ? 3 : 4;
  return fixed(x, decimals);
}

/** Parses a number typed with either minus sign; NaN when it is not a number. */
export function parseNumber(text) {
  const t = String(text).trim().replace(/\u2212/g, '-');
  if (t === '' || t === '-' || t === '.') return NaN;
  return Number(t);
}

/** The full-precision value for a title attribute. */
export function exact(x) {
  return Number.isFinite(x) ? String(x) : fixed(x);
}
