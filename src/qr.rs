//! QR codes of survey links: a PNG of a chosen size and a compact SVG, both
//! with the standard quiet zone and error correction level M (15% of the
//! code may be damaged). M rather than Q keeps the modules larger at a given
//! print size, which matters more when scanning a poster from a metre away.

use qrcode::{Color, EcLevel, QrCode};

use crate::error::AppError;

/// Light modules kept around the code; scanners need at least four.
pub const QUIET_ZONE: usize = 4;
/// PNG width when none is asked for: sharp on a phone and in print.
pub const DEFAULT_PNG_SIZE: u32 = 600;
pub const MIN_PNG_SIZE: u32 = 100;
pub const MAX_PNG_SIZE: u32 = 4000;

/// The modules of a code, without the quiet zone.
pub struct Matrix {
    width: usize,
    dark: Vec<bool>,
}

impl Matrix {
    pub fn encode(text: &str) -> Result<Self, AppError> {
        let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
            .map_err(|e| AppError::Unexpected(format!("QR encoding failed: {e}")))?;
        Ok(Self {
            width: code.width(),
            dark: code
                .into_colors()
                .into_iter()
                .map(|c| c == Color::Dark)
                .collect(),
        })
    }

    /// Modules per side, quiet zone included.
    pub fn side(&self) -> usize {
        self.width + 2 * QUIET_ZONE
    }

    fn is_dark(&self, x: usize, y: usize) -> bool {
        let (Some(x), Some(y)) = (x.checked_sub(QUIET_ZONE), y.checked_sub(QUIET_ZONE)) else {
            return false;
        };
        x < self.width && y < self.width && self.dark[y * self.width + x]
    }

    /// A greyscale PNG at most `size` pixels wide: the largest whole number
    /// of pixels per module that fits, so every module stays sharp.
    pub fn png(&self, size: u32) -> Result<Vec<u8>, AppError> {
        let side = self.side();
        let scale = (size as usize / side).max(1);
        let px = side * scale;
        let mut pixels = vec![255u8; px * px];
        for y in 0..side {
            for x in 0..side {
                if self.is_dark(x, y) {
                    for row in y * scale..(y + 1) * scale {
                        pixels[row * px + x * scale..row * px + (x + 1) * scale].fill(0);
                    }
                }
            }
        }
        let mut out = Vec::new();
        let failed = |e: png::EncodingError| AppError::Unexpected(format!("PNG encoding: {e}"));
        let px32 = u32::try_from(px).map_err(|_| AppError::Unexpected("PNG too large".into()))?;
        let mut enc = png::Encoder::new(&mut out, px32, px32);
        enc.set_color(png::ColorType::Grayscale);
        enc.set_depth(png::BitDepth::Eight);
        let mut writer = enc.write_header().map_err(failed)?;
        writer.write_image_data(&pixels).map_err(failed)?;
        writer.finish().map_err(failed)?;
        Ok(out)
    }

    /// An SVG drawing one path of horizontal runs; it scales to any print size.
    pub fn svg(&self, label: &str) -> String {
        let side = self.side();
        let mut path = String::new();
        for y in 0..side {
            let mut x = 0;
            while x < side {
                if !self.is_dark(x, y) {
                    x += 1;
                    continue;
                }
                let start = x;
                while x < side && self.is_dark(x, y) {
                    x += 1;
                }
                path.push_str(&format!("M{start} {y}h{}v1h-{}z", x - start, x - start));
            }
        }
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {side} {side}\" \
             shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"{label}\">\
             <rect width=\"{side}\" height=\"{side}\" fill=\"#fff\"/>\
             <path d=\"{path}\" fill=\"#000\"/></svg>",
            label = crate::html::esc(label),
        )
    }
}

/// Reads the `size` query parameter of a PNG request.
pub fn png_size(size: Option<u32>) -> Result<u32, AppError> {
    let size = size.unwrap_or(DEFAULT_PNG_SIZE);
    if !(MIN_PNG_SIZE..=MAX_PNG_SIZE).contains(&size) {
        return Err(AppError::invalid_field(
            "size",
            format!("图片边长须在{MIN_PNG_SIZE}到{MAX_PNG_SIZE}像素之间"),
        ));
    }
    Ok(size)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_png_fits_the_size_and_keeps_the_quiet_zone() {
        let m = Matrix::encode("https://renke.example.gov.cn/s/abcdefghijklmnopqrstuv").unwrap();
        let png = m.png(600).unwrap();
        let decoder = png::Decoder::new(std::io::Cursor::new(png));
        let reader = decoder.read_info().unwrap();
        let info = reader.info();
        assert!(info.width <= 600 && info.width > 600 - m.side() as u32);
        assert_eq!(info.width % m.side() as u32, 0);
        // Level M for a 53-byte URL needs version 4: 33 modules.
        assert_eq!(m.side(), 33 + 2 * QUIET_ZONE);
    }

    #[test]
    fn the_svg_is_one_path_and_escapes_its_label() {
        let m = Matrix::encode("x").unwrap();
        let svg = m.svg("<家长>");
        assert!(svg.contains("&lt;家长&gt;"));
        assert_eq!(svg.matches("<path").count(), 1);
    }

    #[test]
    fn sizes_out_of_range_are_refused() {
        assert_eq!(png_size(None).unwrap(), DEFAULT_PNG_SIZE);
        assert!(png_size(Some(50)).is_err());
        assert!(png_size(Some(5000)).is_err());
    }
}
