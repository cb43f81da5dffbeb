//! A small PNG encoder for 8-bit RGB buffers (no image crate needed).
//!
//! Each row gets the PNG filter (None, Sub or Up) with the smallest sum of absolute byte values;
//! the filtered bytes are compressed with one fixed-Huffman DEFLATE block whose only back-references
//! are runs (distance 1, length 3–258) — plots are mostly long runs of one colour, which filtering
//! turns into runs of zeros.

/// CRC-32 (ISO-HDLC, as PNG chunks use).
fn crc32(data: &[u8]) -> u32 {
    let mut table = [0u32; 256];
    for (n, t) in table.iter_mut().enumerate() {
        let mut c = n as u32;
        for _ in 0..8 {
            c = if c & 1 != 0 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 };
        }
        *t = c;
    }
    let mut c = 0xFFFF_FFFFu32;
    for &b in data {
        c = table[((c ^ b as u32) & 0xFF) as usize] ^ (c >> 8);
    }
    c ^ 0xFFFF_FFFF
}

fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for chunk in data.chunks(5552) {
        for &x in chunk {
            a += x as u32;
            b += a;
        }
        a %= 65521;
        b %= 65521;
    }
    (b << 16) | a
}

/// LSB-first bit writer (DEFLATE's order).
struct Bits {
    out: Vec<u8>,
    acc: u64,
    n: u32,
}

impl Bits {
    fn put(&mut self, value: u32, count: u32) {
        self.acc |= (value as u64) << self.n;
        self.n += count;
        while self.n >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.n -= 8;
        }
    }
    /// A Huffman code, most significant bit first.
    fn code(&mut self, code: u32, len: u32) {
        let mut rev = 0;
        for k in 0..len {
            rev |= ((code >> k) & 1) << (len - 1 - k);
        }
        self.put(rev, len);
    }
    fn finish(mut self) -> Vec<u8> {
        if self.n > 0 {
            self.out.push(self.acc as u8);
        }
        self.out
    }
}

fn literal(bits: &mut Bits, sym: u32) {
    match sym {
        0..=143 => bits.code(0x30 + sym, 8),
        144..=255 => bits.code(0x190 + sym - 144, 9),
        256..=279 => bits.code(sym - 256, 7),
        _ => bits.code(0xC0 + sym - 280, 8),
    }
}

const LEN_BASE: [u32; 29] =
    [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LEN_EXTRA: [u32; 29] = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];

fn run(bits: &mut Bits, len: u32) {
    let k = LEN_BASE.iter().rposition(|&b| b <= len).unwrap_or(0);
    literal(bits, 257 + k as u32);
    bits.put(len - LEN_BASE[k], LEN_EXTRA[k]);
    bits.code(0, 5); // distance code 0: distance 1
}

/// zlib stream of `data`: one final fixed-Huffman block with run-length back-references.
fn zlib(data: &[u8]) -> Vec<u8> {
    let mut bits = Bits { out: vec![0x78, 0x01], acc: 0, n: 0 };
    bits.put(1, 1); // BFINAL
    bits.put(1, 2); // BTYPE = 01, fixed Huffman
    let mut i = 0;
    while i < data.len() {
        if i > 0 {
            let prev = data[i - 1];
            let mut n = 0;
            while i + n < data.len() && data[i + n] == prev && n < 258 {
                n += 1;
            }
            if n >= 3 {
                run(&mut bits, n as u32);
                i += n;
                continue;
            }
        }
        literal(&mut bits, data[i] as u32);
        i += 1;
    }
    literal(&mut bits, 256);
    let mut out = bits.finish();
    out.extend_from_slice(&adler32(data).to_be_bytes());
    out
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], body: &[u8]) {
    out.extend_from_slice(&(body.len() as u32).to_be_bytes());
    let mut c = Vec::with_capacity(body.len() + 4);
    c.extend_from_slice(kind);
    c.extend_from_slice(body);
    out.extend_from_slice(&c);
    out.extend_from_slice(&crc32(&c).to_be_bytes());
}

/// PNG file of a `w` × `h` RGB buffer (3 bytes per pixel, rows top to bottom).
pub(crate) fn encode_rgb(w: u32, h: u32, rgb: &[u8]) -> Vec<u8> {
    let stride = w as usize * 3;
    let mut filtered = Vec::with_capacity((stride + 1) * h as usize);
    let zero = vec![0u8; stride];
    for r in 0..h as usize {
        let row = rgb.get(r * stride..(r + 1) * stride).unwrap_or(&zero);
        let up = if r == 0 { &zero[..] } else { rgb.get((r - 1) * stride..r * stride).unwrap_or(&zero) };
        let sub: Vec<u8> = (0..stride).map(|i| row[i].wrapping_sub(if i >= 3 { row[i - 3] } else { 0 })).collect();
        let upf: Vec<u8> = (0..stride).map(|i| row[i].wrapping_sub(up[i])).collect();
        let cost = |v: &[u8]| v.iter().map(|&b| (b as i8).unsigned_abs() as u64).sum::<u64>();
        let (kind, bytes) = [(0u8, row.to_vec()), (1, sub), (2, upf)]
            .into_iter()
            .min_by_key(|(_, v)| cost(v))
            .unwrap_or((0, row.to_vec()));
        filtered.push(kind);
        filtered.extend_from_slice(&bytes);
    }
    let mut out = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    let mut ihdr = Vec::with_capacity(13);
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(&mut out, b"IDAT", &zlib(&filtered));
    chunk(&mut out, b"IEND", &[]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksums_match_known_values() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(adler32(b"Wikipedia"), 0x11E6_0398);
    }

    /// Minimal inflater for fixed-Huffman blocks, to check the encoder round-trips.
    fn inflate_fixed(z: &[u8]) -> Vec<u8> {
        let data = &z[2..z.len() - 4];
        let mut pos = 0usize;
        let mut bit = |n: u32| -> u32 {
            let mut v = 0;
            for k in 0..n {
                let b = (data[pos / 8] >> (pos % 8)) & 1;
                v |= (b as u32) << k;
                pos += 1;
            }
            v
        };
        assert_eq!(bit(1), 1);
        assert_eq!(bit(2), 1);
        let mut out: Vec<u8> = Vec::new();
        loop {
            // Read a fixed-Huffman literal/length symbol MSB-first.
            let mut code = 0u32;
            let mut len = 0;
            let sym = loop {
                code = (code << 1) | bit(1);
                len += 1;
                match len {
                    7 if code <= 0x17 => break code + 256,
                    8 if (0x30..=0xBF).contains(&code) => break code - 0x30,
                    8 if (0xC0..=0xC7).contains(&code) => break code - 0xC0 + 280,
                    9 if (0x190..=0x1FF).contains(&code) => break code - 0x190 + 144,
                    _ => {}
                }
            };
            match sym {
                0..=255 => out.push(sym as u8),
                256 => break,
                _ => {
                    let k = (sym - 257) as usize;
                    let n = LEN_BASE[k] + bit(LEN_EXTRA[k]);
                    let mut d = 0;
                    for _ in 0..5 {
                        d = (d << 1) | bit(1);
                    }
                    assert_eq!(d, 0);
                    for _ in 0..n {
                        let last = *out.last().unwrap();
                        out.push(last);
                    }
                }
            }
        }
        out
    }

    #[test]
    fn deflate_round_trips_runs_and_literals() {
        let mut data = vec![0u8; 1000];
        data.extend((0..=255u8).cycle().take(700));
        data.extend(std::iter::repeat_n(7u8, 300));
        data.push(200);
        let z = zlib(&data);
        assert!(z.len() < data.len());
        assert_eq!(inflate_fixed(&z), data);
        assert_eq!(u32::from_be_bytes(z[z.len() - 4..].try_into().unwrap()), adler32(&data));
    }

    #[test]
    fn png_has_signature_and_chunks() {
        let png = encode_rgb(2, 2, &[255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255]);
        assert_eq!(&png[..8], &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        assert_eq!(&png[12..16], b"IHDR");
        assert_eq!(&png[png.len() - 8..png.len() - 4], b"IEND");
    }
}
