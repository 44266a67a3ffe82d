//! A corpus of degraded QR images, made from clean renders with the `image`
//! crate: what a phone camera or a screenshot gives a verifier. Shared by
//! `tests/qr_reading.rs` (Satchel reads every image zbar reads) and
//! `benches/qr_read_rate.rs` (old and new reader's read rates).
#![allow(dead_code)]

use image::imageops::{self, FilterType};
use image::{GrayImage, Luma};

/// A small deterministic random source (xorshift64*), so the corpus is the
/// same on every run.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f32 {
        (self.next_u64() >> 40) as f32 / (1u64 << 24) as f32
    }
    /// Standard normal (Box–Muller).
    pub fn normal(&mut self) -> f32 {
        let u1 = self.unit().max(1e-7);
        let u2 = self.unit();
        (-2.0 * u1.ln()).sqrt() * (std::f32::consts::TAU * u2).cos()
    }
}

/// One degradation step.
#[derive(Clone, Copy, Debug)]
pub enum Step {
    /// Resize by this factor (area-averaging when shrinking).
    Scale(f32),
    /// Gaussian blur with this sigma, in pixels.
    Blur(f32),
    /// Rotate by this many degrees about the centre (white fills the corners).
    Rotate(f32),
    /// A keystone perspective: the far side this fraction narrower.
    Perspective(f32),
    /// Additive Gaussian noise with this standard deviation (grey levels).
    Noise(f32),
    /// Dim, low contrast: black becomes `lo`, white becomes `hi`.
    Dim(u8, u8),
    /// Put the code into a larger picture with other content around it.
    Clutter,
    /// JPEG at this quality (the image is stored as JPEG from here on).
    Jpeg(u8),
}

/// A named recipe of steps.
pub struct Recipe {
    pub name: &'static str,
    pub steps: &'static [Step],
}

/// The corpus recipes: each degradation alone, then in combinations like a
/// phone photo of a screen.
pub const RECIPES: &[Recipe] = &[
    Recipe {
        name: "downscale-30%",
        steps: &[Step::Scale(0.3)],
    },
    Recipe {
        name: "blur",
        steps: &[Step::Blur(2.0)],
    },
    Recipe {
        name: "rotate-7",
        steps: &[Step::Rotate(7.0)],
    },
    Recipe {
        name: "perspective",
        steps: &[Step::Perspective(0.18)],
    },
    Recipe {
        name: "noise",
        steps: &[Step::Noise(40.0)],
    },
    Recipe {
        name: "jpeg-50",
        steps: &[Step::Scale(0.5), Step::Jpeg(50)],
    },
    Recipe {
        name: "dim",
        steps: &[Step::Dim(40, 110)],
    },
    Recipe {
        name: "clutter",
        steps: &[Step::Clutter],
    },
    Recipe {
        name: "downscale-30%+blur",
        steps: &[Step::Blur(1.5), Step::Scale(0.3)],
    },
    Recipe {
        name: "rotate-7+downscale-40%",
        steps: &[Step::Rotate(7.0), Step::Scale(0.4)],
    },
    Recipe {
        name: "perspective+rotate-7+jpeg-50",
        steps: &[
            Step::Perspective(0.15),
            Step::Rotate(7.0),
            Step::Scale(0.5),
            Step::Jpeg(50),
        ],
    },
    Recipe {
        name: "dim+noise+jpeg-50",
        steps: &[
            Step::Dim(50, 140),
            Step::Noise(20.0),
            Step::Scale(0.5),
            Step::Jpeg(50),
        ],
    },
    Recipe {
        name: "clutter+rotate-7+blur",
        steps: &[
            Step::Clutter,
            Step::Rotate(7.0),
            Step::Blur(1.5),
            Step::Scale(0.6),
        ],
    },
    Recipe {
        name: "phone-photo",
        steps: &[
            Step::Clutter,
            Step::Perspective(0.12),
            Step::Rotate(7.0),
            Step::Blur(1.2),
            Step::Scale(0.45),
            Step::Dim(45, 150),
            Step::Noise(10.0),
            Step::Jpeg(50),
        ],
    },
    Recipe {
        name: "phone-photo-far",
        steps: &[
            Step::Clutter,
            Step::Perspective(0.1),
            Step::Rotate(-7.0),
            Step::Blur(1.0),
            Step::Scale(0.32),
            Step::Noise(8.0),
            Step::Jpeg(50),
        ],
    },
];

/// Applies a recipe to a clean render; returns the encoded file (PNG, or
/// JPEG when the recipe ends in a JPEG step) and its extension.
pub fn apply(clean: &GrayImage, steps: &[Step], seed: u64) -> (Vec<u8>, &'static str) {
    let mut rng = Rng::new(seed);
    let mut img = clean.clone();
    let mut jpeg = None;
    for step in steps {
        img = match *step {
            Step::Scale(f) => {
                let w = ((img.width() as f32) * f).round().max(1.0) as u32;
                let h = ((img.height() as f32) * f).round().max(1.0) as u32;
                imageops::resize(&img, w, h, FilterType::Triangle)
            }
            Step::Blur(sigma) => imageops::blur(&img, sigma),
            Step::Rotate(deg) => rotate(&img, deg),
            Step::Perspective(k) => perspective(&img, k),
            Step::Noise(sd) => {
                let mut out = img.clone();
                for p in out.pixels_mut() {
                    p.0[0] = (f32::from(p.0[0]) + rng.normal() * sd).clamp(0.0, 255.0) as u8;
                }
                out
            }
            Step::Dim(lo, hi) => {
                let mut out = img.clone();
                let (lo, hi) = (f32::from(lo), f32::from(hi));
                for p in out.pixels_mut() {
                    p.0[0] = (lo + (hi - lo) * f32::from(p.0[0]) / 255.0) as u8;
                }
                out
            }
            Step::Clutter => clutter(&img, &mut rng),
            Step::Jpeg(q) => {
                jpeg = Some(q);
                img
            }
        };
    }
    let mut out = std::io::Cursor::new(Vec::new());
    match jpeg {
        Some(q) => {
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, q)
                .encode_image(&img)
                .expect("jpeg");
            (out.into_inner(), "jpg")
        }
        None => {
            img.write_to(&mut out, image::ImageFormat::Png)
                .expect("png");
            (out.into_inner(), "png")
        }
    }
}

/// Samples `src` at (x, y) bilinearly; white outside.
fn sample(src: &GrayImage, x: f32, y: f32) -> u8 {
    let (w, h) = (src.width() as i64, src.height() as i64);
    let (x0, y0) = (x.floor() as i64, y.floor() as i64);
    let (fx, fy) = (x - x0 as f32, y - y0 as f32);
    let px = |xx: i64, yy: i64| -> f32 {
        if xx < 0 || yy < 0 || xx >= w || yy >= h {
            255.0
        } else {
            f32::from(src.get_pixel(xx as u32, yy as u32).0[0])
        }
    };
    let top = px(x0, y0) * (1.0 - fx) + px(x0 + 1, y0) * fx;
    let bottom = px(x0, y0 + 1) * (1.0 - fx) + px(x0 + 1, y0 + 1) * fx;
    (top * (1.0 - fy) + bottom * fy).round().clamp(0.0, 255.0) as u8
}

/// Rotation about the centre, on a canvas large enough for the corners.
fn rotate(src: &GrayImage, deg: f32) -> GrayImage {
    let (s, c) = deg.to_radians().sin_cos();
    let (w, h) = (src.width() as f32, src.height() as f32);
    let nw = (w * c.abs() + h * s.abs()).ceil() as u32;
    let nh = (w * s.abs() + h * c.abs()).ceil() as u32;
    let (cx, cy) = (w / 2.0, h / 2.0);
    let (ncx, ncy) = (nw as f32 / 2.0, nh as f32 / 2.0);
    GrayImage::from_fn(nw, nh, |x, y| {
        let (u, v) = (x as f32 - ncx, y as f32 - ncy);
        // Inverse rotation: destination to source.
        Luma([sample(src, c * u + s * v + cx, -s * u + c * v + cy)])
    })
}

/// A keystone: the top edge `k` narrower than the bottom, as a code seen
/// from below (a projective map, so straight lines stay straight).
fn perspective(src: &GrayImage, k: f32) -> GrayImage {
    let (w, h) = (src.width() as f32, src.height() as f32);
    let dst = [
        (k / 2.0 * w, 0.0),
        ((1.0 - k / 2.0) * w, 0.0),
        (w, h),
        (0.0, h),
    ];
    let corners = [(0.0, 0.0), (w, 0.0), (w, h), (0.0, h)];
    let m = homography(&dst, &corners);
    GrayImage::from_fn(src.width(), src.height(), |x, y| {
        let (xf, yf) = (x as f32, y as f32);
        let d = m[6] * xf + m[7] * yf + 1.0;
        let sx = (m[0] * xf + m[1] * yf + m[2]) / d;
        let sy = (m[3] * xf + m[4] * yf + m[5]) / d;
        Luma([sample(src, sx, sy)])
    })
}

/// The projective map (h0..h7, h8 = 1) taking each `from` point to the
/// matching `to` point: the 8x8 linear system solved by Gaussian elimination.
fn homography(from: &[(f32, f32); 4], to: &[(f32, f32); 4]) -> [f32; 8] {
    let mut a = [[0f64; 9]; 8];
    for i in 0..4 {
        let (x, y) = (f64::from(from[i].0), f64::from(from[i].1));
        let (u, v) = (f64::from(to[i].0), f64::from(to[i].1));
        a[2 * i] = [x, y, 1.0, 0.0, 0.0, 0.0, -u * x, -u * y, u];
        a[2 * i + 1] = [0.0, 0.0, 0.0, x, y, 1.0, -v * x, -v * y, v];
    }
    for col in 0..8 {
        let pivot = (col..8)
            .max_by(|&r, &s| a[r][col].abs().total_cmp(&a[s][col].abs()))
            .expect("rows");
        a.swap(col, pivot);
        for row in 0..8 {
            if row != col {
                let f = a[row][col] / a[col][col];
                let pivot_row = a[col];
                for (x, p) in a[row][col..].iter_mut().zip(&pivot_row[col..]) {
                    *x -= f * p;
                }
            }
        }
    }
    let mut h = [0f32; 8];
    for (i, hi) in h.iter_mut().enumerate() {
        *hi = (a[i][8] / a[i][i]) as f32;
    }
    h
}

/// The code on a larger, light-grey page with text-like lines, a gradient,
/// boxes and a checkerboard around it (never over the code's quiet zone).
fn clutter(code: &GrayImage, rng: &mut Rng) -> GrayImage {
    let (cw, ch) = code.dimensions();
    let (w, h) = (cw * 2, ch + ch / 2);
    let (ox, oy) = (cw / 2 + cw / 8, ch / 4);
    let mut page = GrayImage::from_fn(w, h, |x, _| Luma([200 + (x * 40 / w) as u8]));
    let busy = |x: u32, y: u32| x + 2 >= ox && x < ox + cw + 2 && y + 2 >= oy && y < oy + ch + 2;
    // Lines of "words" to the left and right.
    let line_h = (ch / 40).max(4);
    let mut y = 4;
    while y + line_h < h {
        let mut x = 4;
        while x < w {
            let word = (rng.unit() * 6.0 * line_h as f32) as u32 + line_h;
            for yy in y..(y + line_h).min(h) {
                for xx in x..(x + word).min(w) {
                    if !busy(xx, yy) {
                        page.put_pixel(xx, yy, Luma([40 + (rng.unit() * 30.0) as u8]));
                    }
                }
            }
            x += word + line_h;
        }
        y += line_h * 2 + line_h / 2;
    }
    // A checkerboard patch and a dark box in the corners.
    for yy in 0..(ch / 5) {
        for xx in 0..(cw / 5) {
            let v = if ((xx / 6) + (yy / 6)) % 2 == 0 {
                20
            } else {
                235
            };
            page.put_pixel(xx, h - 1 - yy, Luma([v]));
            page.put_pixel(w - 1 - xx, yy, Luma([30]));
        }
    }
    imageops::overlay(&mut page, code, i64::from(ox), i64::from(oy));
    page
}
