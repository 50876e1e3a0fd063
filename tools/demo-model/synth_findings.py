"""Synthetic findings drawn into real chest radiographs (numpy only), each with its ground-truth box.

Images are float32 [H, W] in 0..1, MONOCHROME2 (bright = dense), in the standard PA display: the
patient's right is on the image's left. Anatomy comes from hand-placed landmarks (landmarks.json, one
entry per base image: lung polygons, costophrenic angles, cardiac box, carina, stomach), not from
automatic segmentation: four images annotated once by hand are more robust than intensity-profile
heuristics, and every drawing below is placed relative to them.

Findings (each `draw_*` returns the new image and a Finding with its box [x, y, w, h] in pixels):
- cardiomegaly: the cardiac silhouette is widened by a smooth horizontal warp (mostly to the patient's
  left, less at the upper heart), so the enlarged heart keeps its own texture and edges.
- pleural_effusion (left/right): homogeneous soft-tissue density filling the costophrenic recess up to a
  meniscus that rises laterally, obliterating the angle and the hemidiaphragm contour.
- pneumothorax (left/right): apicolateral space between the chest wall and a thin visceral pleural line;
  lung markings removed there (smoothed, more lucent), the collapsed lung edge slightly denser.
- consolidation: patchy, ill-defined airspace opacity in one lung zone, sometimes with air bronchograms.
- nodule: small round soft-edged opacity (projected sphere, slightly lobulated), 6 - 22 mm.
- support_device: endotracheal tube, nasogastric tube or right internal jugular central venous catheter,
  drawn as thin radiopaque lines along anatomical paths.

Augmentation (`augment`): scale, shift, horizontal flip, gamma, contrast, noise, output size. A flip
mirrors the film, so what is on the image's left is read as the patient's right: side labels are
swapped (a left effusion becomes a right effusion) and the heart ends up on the image's left (a
mirror-image film). Nothing in the text describes that (dextrocardia is not one of our findings), so
flipping is kept rare (`flip_prob`, default 0.15) and never used for the demo studies.

Everything is deterministic given a numpy Generator.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from pngio import read_png

HERE = Path(__file__).resolve().parent
BASE_DIR = HERE / "base-images"
LANDMARKS = HERE / "landmarks.json"

FINDING_TYPES = (
    "cardiomegaly",
    "pleural_effusion",
    "pneumothorax",
    "consolidation",
    "nodule",
    "support_device",
)
SIDED = ("pleural_effusion", "pneumothorax")
DEVICE_LABELS = {
    "ett": "endotracheal tube",
    "ng": "nasogastric tube",
    "cvc": "central venous catheter",
}

# Thorax width (between the lateral lung edges) assumed for an adult, to turn pixels into millimetres.
THORAX_WIDTH_MM = 290.0


@dataclass
class Finding:
    type: str
    side: str | None  # "left" / "right" (patient side) or None
    box: list[float]  # [x, y, w, h] pixels
    details: dict = field(default_factory=dict)
    # Where drawing the finding changed the pixels (float 0/1, image-sized); training supervision only.
    mask: np.ndarray | None = field(default=None, repr=False, compare=False)

    @property
    def label(self) -> str:
        """The phrase used in text and grounding answers."""
        if self.type == "cardiomegaly":
            return "cardiomegaly"
        if self.type == "pleural_effusion":
            return f"{self.side} pleural effusion"
        if self.type == "pneumothorax":
            return f"{self.side} pneumothorax"
        if self.type == "consolidation":
            return "consolidation"
        if self.type == "nodule":
            return "nodule"
        return DEVICE_LABELS[self.details["device"]]

    def to_json(self) -> dict:
        return {
            "type": self.type,
            "label": self.label,
            "side": self.side,
            "box": [round(float(v), 2) for v in self.box],
            "details": self.details,
        }


@dataclass
class Landmarks:
    """Pixel coordinates (x, y) for one image."""

    right_lung: np.ndarray
    left_lung: np.ndarray
    right_cpa_index: int
    left_cpa_index: int
    right_diaphragm_end: int
    left_diaphragm_end: int
    heart: np.ndarray  # x1, y1, x2, y2
    carina: np.ndarray
    trachea_top: np.ndarray
    stomach: np.ndarray
    mm_per_px: float

    def lung(self, side: str) -> np.ndarray:
        return self.right_lung if side == "right" else self.left_lung

    def cpa_index(self, side: str) -> int:
        return self.right_cpa_index if side == "right" else self.left_cpa_index

    def diaphragm_end(self, side: str) -> int:
        return self.right_diaphragm_end if side == "right" else self.left_diaphragm_end


@dataclass
class BaseImage:
    name: str
    image: np.ndarray
    landmarks: Landmarks


def load_landmarks(name: str, width: int, height: int) -> Landmarks:
    entry = json.loads(LANDMARKS.read_text())["images"][name]
    scale = np.array([width, height], dtype=np.float64)
    pts = lambda key: np.array(entry[key], dtype=np.float64) * scale  # noqa: E731
    rl, ll = pts("right_lung"), pts("left_lung")
    span = ll[:, 0].max() - rl[:, 0].min()
    return Landmarks(
        right_lung=rl,
        left_lung=ll,
        right_cpa_index=entry["right_cpa_index"],
        left_cpa_index=entry["left_cpa_index"],
        right_diaphragm_end=entry["right_diaphragm_end"],
        left_diaphragm_end=entry["left_diaphragm_end"],
        heart=np.array(entry["heart"], dtype=np.float64) * np.tile(scale, 2),
        carina=pts("carina"),
        trachea_top=pts("trachea_top"),
        stomach=pts("stomach"),
        mm_per_px=THORAX_WIDTH_MM / span,
    )


def base_names() -> list[str]:
    return sorted(json.loads(LANDMARKS.read_text())["images"])


def load_base(name: str, max_side: int | None = None) -> BaseImage:
    img = read_png(BASE_DIR / f"{name}.png").astype(np.float32) / 255.0
    if max_side is not None and max(img.shape) > max_side:
        s = max_side / max(img.shape)
        img = resize(img, (round(img.shape[0] * s), round(img.shape[1] * s)))
    h, w = img.shape
    return BaseImage(name, img, load_landmarks(name, w, h))


# --------------------------------------------------------------------------------------------- helpers


def resize(img: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Area-aware resize: box-blur by the reduction factor, then bilinear sampling at pixel centres."""
    h, w = img.shape
    oh, ow = shape
    f = max(h / oh, w / ow)
    src = blur(img, 0.45 * f) if f > 1.5 else img
    ys = (np.arange(oh) + 0.5) * (h / oh) - 0.5
    xs = (np.arange(ow) + 0.5) * (w / ow) - 0.5
    return sample(src, *np.meshgrid(xs, ys))


def sample(img: np.ndarray, x: np.ndarray, y: np.ndarray, fill: float | None = None) -> np.ndarray:
    """Bilinear sampling at float coordinates; outside the image: edge value, or `fill`."""
    h, w = img.shape
    xc = np.clip(x, 0, w - 1)
    yc = np.clip(y, 0, h - 1)
    x0 = np.floor(xc).astype(np.int64)
    y0 = np.floor(yc).astype(np.int64)
    x1 = np.minimum(x0 + 1, w - 1)
    y1 = np.minimum(y0 + 1, h - 1)
    fx = (xc - x0).astype(np.float32)
    fy = (yc - y0).astype(np.float32)
    top = img[y0, x0] * (1 - fx) + img[y0, x1] * fx
    bot = img[y1, x0] * (1 - fx) + img[y1, x1] * fx
    out = (top * (1 - fy) + bot * fy).astype(np.float32)
    if fill is not None:
        outside = (x < -0.5) | (x > w - 0.5) | (y < -0.5) | (y > h - 0.5)
        out[outside] = fill
    return out


def _box_blur_axis(a: np.ndarray, r: int, axis: int) -> np.ndarray:
    if r <= 0:
        return a
    pad = [(0, 0)] * a.ndim
    pad[axis] = (r + 1, r)
    c = np.cumsum(np.pad(a, pad, mode="edge"), axis=axis, dtype=np.float64)
    n = a.shape[axis]
    hi = np.take(c, np.arange(2 * r + 1, 2 * r + 1 + n), axis=axis)
    lo = np.take(c, np.arange(0, n), axis=axis)
    return ((hi - lo) / (2 * r + 1)).astype(np.float32)


def blur(a: np.ndarray, sigma: float) -> np.ndarray:
    """Approximate Gaussian blur: three box passes per axis (edges replicated)."""
    if sigma < 0.3:
        return a.astype(np.float32)
    r = max(1, int(round((math.sqrt(12 * sigma * sigma / 3 + 1) - 1) / 2)))
    out = a.astype(np.float32)
    for axis in (0, 1):
        for _ in range(3):
            out = _box_blur_axis(out, r, axis)
    return out


def smooth_noise(shape: tuple[int, int], rng: np.random.Generator, sigma: float) -> np.ndarray:
    n = blur(rng.standard_normal(shape).astype(np.float32), sigma)
    return n / (n.std() + 1e-6)


def polygon_mask(poly: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Boolean mask of pixel centres inside the polygon (even-odd rule)."""
    h, w = shape
    ys = np.arange(h, dtype=np.float64)[:, None]
    xs = np.arange(w, dtype=np.float64)[None, :]
    inside = np.zeros(shape, dtype=bool)
    n = len(poly)
    for i in range(n):
        (x0, y0), (x1, y1) = poly[i], poly[(i + 1) % n]
        if y0 == y1:
            continue
        crosses = (ys >= min(y0, y1)) & (ys < max(y0, y1))
        xcross = x0 + (ys - y0) * (x1 - x0) / (y1 - y0)
        inside ^= crosses & (xs < xcross)
    return inside


def polyline_distance(points: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """Distance from each (xs, ys) to the polyline through `points`."""
    d = np.full(xs.shape, np.inf, dtype=np.float64)
    for (x0, y0), (x1, y1) in zip(points[:-1], points[1:]):
        dx, dy = x1 - x0, y1 - y0
        L2 = dx * dx + dy * dy
        t = np.clip(((xs - x0) * dx + (ys - y0) * dy) / L2, 0, 1) if L2 > 0 else 0.0
        d = np.minimum(d, np.hypot(xs - (x0 + t * dx), ys - (y0 + t * dy)))
    return d


def catmull_rom(points: np.ndarray, per_segment: int = 24) -> np.ndarray:
    """Smooth curve through the control points."""
    p = np.vstack([points[0], points, points[-1]])
    out = []
    for i in range(1, len(p) - 2):
        t = np.linspace(0, 1, per_segment, endpoint=False)[:, None]
        p0, p1, p2, p3 = p[i - 1], p[i], p[i + 1], p[i + 2]
        out.append(
            0.5
            * (
                2 * p1
                + (-p0 + p2) * t
                + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t * t
                + (-p0 + 3 * p1 - 3 * p2 + p3) * t**3
            )
        )
    out.append(points[-1:])
    return np.vstack(out)


def mask_box(mask: np.ndarray) -> list[float]:
    ys, xs = np.nonzero(mask)
    x1, x2, y1, y2 = xs.min(), xs.max() + 1, ys.min(), ys.max() + 1
    return [float(x1), float(y1), float(x2 - x1), float(y2 - y1)]


def smoothstep(e0: float, e1: float, x: np.ndarray) -> np.ndarray:
    t = np.clip((x - e0) / (e1 - e0), 0, 1)
    return t * t * (3 - 2 * t)


def soft_tissue_level(img: np.ndarray, lm: Landmarks) -> float:
    """Intensity of the cardiac silhouette's lower half: the density fluid and airspace disease reach."""
    x1, y1, x2, y2 = lm.heart.astype(int)
    ym = (y1 + y2) // 2
    xm1, xm2 = x1 + (x2 - x1) // 4, x2 - (x2 - x1) // 4
    return float(np.median(img[ym:y2, xm1:xm2]))


def lung_height(lm: Landmarks, side: str) -> float:
    p = lm.lung(side)
    return float(p[:, 1].max() - p[:, 1].min())


def lung_width(lm: Landmarks, side: str) -> float:
    p = lm.lung(side)
    return float(p[:, 0].max() - p[:, 0].min())


# -------------------------------------------------------------------------------------------- findings


def draw_cardiomegaly(img: np.ndarray, lm: Landmarks, rng: np.random.Generator, factor: float | None = None):
    """Widen the cardiac silhouette by `factor` (transverse diameter), 70 % of the growth to the left."""
    h, w = img.shape
    x1, y1, x2, y2 = lm.heart
    hw = x2 - x1
    hh = y2 - y1
    f = float(factor if factor is not None else rng.uniform(1.25, 1.42))
    extra = (f - 1) * hw
    left_share = rng.uniform(0.65, 0.8)
    nx1, nx2 = x1 - (1 - left_share) * extra, x2 + left_share * extra
    # Inverse map per output x (piecewise linear): heart [nx1, nx2] <- [x1, x2]; margins compress lung.
    ml = (1 - left_share) * extra + 0.12 * hw
    mr = left_share * extra + 0.18 * hw
    xo = np.array([0, nx1 - ml, nx1, nx2, nx2 + mr, w - 1], dtype=np.float64)
    xs_src = np.array([0, nx1 - ml, x1, x2, nx2 + mr, w - 1], dtype=np.float64)
    gx = np.interp(np.arange(w, dtype=np.float64), xo, xs_src)
    yy = np.arange(h, dtype=np.float64)
    # Upper heart grows less (globular shape); the effect fades out above the heart and below the base.
    v = smoothstep(y1 - 0.15 * hh, y1 + 0.35 * hh, yy) * (1 - smoothstep(y2 + 0.02 * hh, y2 + 0.2 * hh, yy))
    X = np.arange(w, dtype=np.float64)[None, :] + v[:, None] * (gx[None, :] - np.arange(w)[None, :])
    Y = np.broadcast_to(yy[:, None], X.shape)
    out = sample(img, X, Y)
    # The lower, widened silhouette: from where the growth reaches half its strength down to the base.
    top = y1 + 0.1 * hh
    box = [nx1, top, nx2 - nx1, y2 - top]
    ctr = (nx2 - nx1) / (lm.left_lung[:, 0].max() - lm.right_lung[:, 0].min())
    sev = "mild" if f < 1.3 else ("moderate" if f < 1.38 else "severe")
    return out, Finding("cardiomegaly", None, box, {"severity": sev, "ctr": round(float(ctr), 2)})


def lung_mask(lm: Landmarks, side: str, shape: tuple[int, int]) -> np.ndarray:
    """The lung field inside the smoothed (closed Catmull-Rom) landmark polygon."""
    p = lm.lung(side)
    closed = catmull_rom(np.vstack([p[-1:], p, p[:2]]), 8)[8:-8]
    return polygon_mask(closed, shape)


def draw_pleural_effusion(img: np.ndarray, lm: Landmarks, rng: np.random.Generator, side: str, size: str | None = None):
    h, w = img.shape
    poly = lm.lung(side)
    cpa_i, dia_i = lm.cpa_index(side), lm.diaphragm_end(side)
    cpa = poly[cpa_i]
    lh = lung_height(lm, side)
    size = size or ("small" if rng.random() < 0.5 else "moderate")
    frac = rng.uniform(0.15, 0.22) if size == "small" else rng.uniform(0.32, 0.45)
    level_lat = cpa[1] - frac * lh  # meniscus top at the chest wall
    rise = (rng.uniform(0.07, 0.11) if size == "small" else rng.uniform(0.11, 0.17)) * lh
    lateral = poly[: cpa_i + 1, 0]
    lat_x = lateral.min() if side == "right" else lateral.max()
    med_x = poly[dia_i, 0]
    xs = np.arange(w, dtype=np.float64)
    t = np.clip((xs - med_x) / (lat_x - med_x), 0, 1)  # 0 medial, 1 lateral
    # Meniscus: flat medially, climbing steeply along the lateral chest wall.
    surface = level_lat + rise * (1 - t**2.5)
    yy = np.arange(h, dtype=np.float64)[:, None]
    band = 0.07 * lh
    top = smoothstep(-0.5 * band, band, yy - surface[None, :])  # hazy upper margin (fluid thins out)
    space = np.clip(blur(lung_mask(lm, side, img.shape).astype(np.float32), 0.015 * w) * 2.2, 0, 1)
    depth = np.clip((yy - surface[None, :]) / (frac * lh), 0, 1)
    alpha = (top * space * (0.62 + 0.25 * depth)).astype(np.float32)
    target = soft_tissue_level(img, lm) * rng.uniform(0.93, 1.0)
    texture = 0.01 * smooth_noise(img.shape, rng, 0.012 * w)
    out = img + alpha * (target + texture - img)
    box = mask_box(alpha > 0.4)
    return out, Finding("pleural_effusion", side, box, {"size": size})


def draw_pneumothorax(img: np.ndarray, lm: Landmarks, rng: np.random.Generator, side: str, size: str | None = None):
    h, w = img.shape
    poly = lm.lung(side)
    cpa_i = lm.cpa_index(side)
    lat = catmull_rom(np.vstack([poly[-1:], poly[: cpa_i + 1]]), 12)  # upper mediastinum, apex, wall, CPA
    lw = lung_width(lm, side)
    lh = lung_height(lm, side)
    size = size or ("small" if rng.random() < 0.45 else ("moderate" if rng.random() < 0.75 else "large"))
    depth = {"small": rng.uniform(0.07, 0.11), "moderate": rng.uniform(0.13, 0.19), "large": rng.uniform(0.22, 0.3)}[size] * lw
    top = poly[:, 1].min()
    reach = top + {"small": rng.uniform(0.45, 0.6), "moderate": rng.uniform(0.6, 0.75), "large": rng.uniform(0.75, 0.88)}[size] * lh
    x0, x1 = int(max(poly[:, 0].min() - 2, 0)), int(min(poly[:, 0].max() + 3, w))
    y0, y1 = int(max(top - 2, 0)), int(min(poly[:, 1].max() + 3, h))
    ys, xs = np.mgrid[y0:y1, x0:x1].astype(np.float64)
    dist = polyline_distance(lat, xs, ys)
    inside = lung_mask(lm, side, img.shape)[y0:y1, x0:x1]
    # Gap width: full over the upper lung, tapering to nothing at `reach`; wobble keeps the line natural.
    wob = 1 + 0.08 * np.sin((ys - top) / lh * rng.uniform(5, 9) + rng.uniform(0, 6.3))
    gap = depth * (1 - smoothstep(top + 0.4 * (reach - top), reach, ys)) * wob
    region = inside & (dist < gap)
    px = max(0.8, 0.0009 * w)  # line half-width in pixels (about 0.3 mm; at least 0.8 px to stay visible)
    sub = img[y0:y1, x0:x1]
    smooth = blur(img, 0.012 * w)[y0:y1, x0:x1]
    edge = smoothstep(0, 3 * px, gap - dist)  # 0 at the pleural line, 1 a few px toward the wall
    lucent = region * edge
    darker = rng.uniform(0.08, 0.13)
    new = sub + lucent * (smooth - darker - sub)
    # Collapsed lung just inside the line: slightly denser. The visceral pleural line itself: thin, bright.
    band = inside & (dist >= gap) & (dist < gap + 0.05 * lw) & (gap > 0.5)
    new = new + band * 0.025 * np.exp(-(dist - gap) / (0.02 * lw))
    line = np.exp(-0.5 * ((dist - gap) / px) ** 2) * (gap > 1.0) * inside
    new = new + line * rng.uniform(0.18, 0.26)
    out = img.copy()
    out[y0:y1, x0:x1] = new
    full = np.zeros(img.shape, dtype=bool)
    full[y0:y1, x0:x1] = region
    box = mask_box(full)
    return out, Finding("pneumothorax", side, box, {"size": size})


ZONES = ("upper", "middle", "lower")


def draw_consolidation(img: np.ndarray, lm: Landmarks, rng: np.random.Generator, side: str | None = None, zone: str | None = None):
    h, w = img.shape
    side = side or ("right" if rng.random() < 0.55 else "left")
    zone = zone or str(rng.choice(ZONES, p=[0.25, 0.3, 0.45]))
    poly = lm.lung(side)
    inside = lung_mask(lm, side, img.shape)
    lw, lh = lung_width(lm, side), lung_height(lm, side)
    top = poly[:, 1].min()
    cy = top + {"upper": 0.25, "middle": 0.5, "lower": 0.74}[zone] * lh + rng.uniform(-0.04, 0.04) * lh
    row = inside[int(np.clip(cy, 0, h - 1))]
    cols = np.nonzero(row)[0]
    if len(cols) == 0:
        cols = np.array([int(poly[:, 0].mean())])
    cx = cols.min() + rng.uniform(0.3, 0.7) * (cols.max() - cols.min())
    radius = rng.uniform(0.17, 0.26) * lw
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    field_ = np.zeros(img.shape, dtype=np.float32)
    for _ in range(int(rng.integers(4, 8))):
        bx = cx + rng.normal(0, 0.45) * radius
        by = cy + rng.normal(0, 0.4) * radius
        br = radius * rng.uniform(0.35, 0.65)
        field_ += np.exp(-(((xx - bx) ** 2 + (yy - by) ** 2) / (2 * br * br))).astype(np.float32)
    field_ /= field_.max() + 1e-6
    patchy = field_ * (1 + 0.45 * smooth_noise(img.shape, rng, 0.01 * w) + 0.25 * smooth_noise(img.shape, rng, 0.004 * w))
    alpha = smoothstep(0.2, 0.95, patchy)
    alpha *= np.clip(blur(inside.astype(np.float32), 0.01 * w) * 1.5, 0, 1)
    alpha = blur(alpha, 0.006 * w)
    target = soft_tissue_level(img, lm)
    strength = rng.uniform(0.55, 0.75)
    out = img + strength * alpha * (target - img)
    bronchograms = bool(rng.random() < 0.5)
    if bronchograms:
        for _ in range(int(rng.integers(2, 4))):
            # A short, gently curved, tapering lucent tube running outward from the hilar side.
            ang = rng.uniform(-0.5, 0.5) + (math.pi if side == "right" else 0.0)
            length = radius * rng.uniform(0.5, 0.9)
            sx, sy = cx - 0.4 * length * math.cos(ang), cy - 0.4 * length * math.sin(ang) + rng.normal(0, 0.3) * radius
            bend = rng.normal(0, 0.12) * length
            ctrl = np.array([[sx, sy], [sx + 0.5 * length * math.cos(ang), sy + 0.5 * length * math.sin(ang) + bend],
                             [sx + length * math.cos(ang), sy + length * math.sin(ang) + 0.5 * bend]])
            path = catmull_rom(ctrl, 16)
            d = polyline_distance(path, xx, yy)
            along = np.clip(np.hypot(xx - sx, yy - sy) / length, 0, 1)
            tube = np.exp(-0.5 * (d / np.maximum(0.8, (0.0022 - 0.0012 * along) * w)) ** 2)
            out -= 0.035 * tube * np.clip(alpha * 1.5 - 0.5, 0, 1)
    box = mask_box(alpha > 0.3)
    return out, Finding("consolidation", side, box, {"zone": zone, "air_bronchograms": bronchograms})


def draw_nodule(img: np.ndarray, lm: Landmarks, rng: np.random.Generator, side: str | None = None):
    h, w = img.shape
    side = side or ("right" if rng.random() < 0.5 else "left")
    poly = lm.lung(side)
    inside = lung_mask(lm, side, img.shape)
    diameter_mm = float(rng.uniform(10, 25))
    r = diameter_mm / 2 / lm.mm_per_px
    # Keep well inside the lung (away from the edges by 2 radii) and outside the heart.
    soft = blur(inside.astype(np.float32), 1.5 * r + 2)
    x1, y1, x2, y2 = lm.heart
    soft[int(y1) : int(y2), int(x1) : int(x2)] = 0
    for level in (0.97, 0.9, 0.75, 0.5):
        cand = np.argwhere(soft > level)
        if len(cand):
            break
    cy, cx = cand[int(rng.integers(len(cand)))].astype(np.float64)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
    ang = np.arctan2(yy - cy, xx - cx)
    rr = r * (1 + 0.07 * np.sin(3 * ang + rng.uniform(0, 6.3)) + 0.04 * np.sin(5 * ang + rng.uniform(0, 6.3)))
    d = np.hypot(xx - cx, yy - cy) / rr
    sphere = np.sqrt(np.clip(1 - d * d, 0, 1)).astype(np.float32)
    sphere = blur(sphere, max(0.6, 0.12 * r))
    target = soft_tissue_level(img, lm)
    amp = rng.uniform(0.6, 0.8)
    out = img + amp * sphere * np.clip(target + 0.05 - img, 0.06, None)
    zone = "upper" if cy < poly[:, 1].min() + lung_height(lm, side) / 3 else ("middle" if cy < poly[:, 1].min() + 2 * lung_height(lm, side) / 3 else "lower")
    rmax = r * 1.11
    box = [cx - rmax, cy - rmax, 2 * rmax, 2 * rmax]
    return out, Finding("nodule", side, box, {"diameter_mm": round(diameter_mm), "zone": zone})


def _draw_tube(img: np.ndarray, path: np.ndarray, width_px: float, strength: float, wall: float = 0.0, wall_px: float = 0.0):
    """Radiopaque line along `path` (dense points): a Gaussian profile of half-width `width_px`, plus an
    optional tube body `wall` (a wider, low-contrast band of half-width `wall_px`, default 4 x `width_px`)."""
    h, w = img.shape
    wall_px = wall_px or 4 * width_px
    pad = 4 * max(width_px, 1) + (1.5 * wall_px if wall else 0)
    x0, x1 = int(max(path[:, 0].min() - pad, 0)), int(min(path[:, 0].max() + pad + 1, w))
    y0, y1 = int(max(path[:, 1].min() - pad, 0)), int(min(path[:, 1].max() + pad + 1, h))
    ys, xs = np.mgrid[y0:y1, x0:x1].astype(np.float64)
    d = polyline_distance(path, xs, ys)
    line = np.exp(-0.5 * (d / width_px) ** 2)
    sub = img[y0:y1, x0:x1]
    new = sub + strength * line * (1.0 - sub)
    if wall:
        new = new + wall * smoothstep(0, 1, 1 - d / wall_px) * (1.0 - new)
    out = img.copy()
    out[y0:y1, x0:x1] = new
    return out


def path_box(path: np.ndarray, shape: tuple[int, int], pad: float) -> list[float]:
    h, w = shape
    x1 = max(path[:, 0].min() - pad, 0)
    y1 = max(path[:, 1].min() - pad, 0)
    x2 = min(path[:, 0].max() + pad, w)
    y2 = min(path[:, 1].max() + pad, h)
    return [float(x1), float(y1), float(x2 - x1), float(y2 - y1)]


def draw_support_device(img: np.ndarray, lm: Landmarks, rng: np.random.Generator, device: str | None = None):
    h, w = img.shape
    device = device or str(rng.choice(["ett", "ng", "cvc"]))
    mm = lm.mm_per_px
    tx, ty = lm.trachea_top
    cx, cy = lm.carina
    details: dict = {"device": device}
    if device == "ett":
        above_cm = float(rng.uniform(2.5, 6.0))
        tip_y = cy - above_cm * 10 / mm
        xs = np.array([tx + rng.normal(0, 0.004) * w, (tx + cx) / 2 + rng.normal(0, 0.004) * w, cx + rng.normal(0, 0.003) * w])
        ys = np.array([0.0, (tip_y) / 2, tip_y])
        path = catmull_rom(np.stack([xs, ys], 1))
        out = _draw_tube(img, path, width_px=max(0.9, 0.9 / mm), strength=0.6, wall=0.14, wall_px=5.0 / mm)
        details["tip_above_carina_cm"] = round(above_cm)
        box = path_box(path, img.shape, 3.5 / mm)
    elif device == "ng":
        sx, sy = lm.stomach
        dia_y = lm.left_lung[lm.left_diaphragm_end, 1]
        pts = np.array(
            [
                [tx + 0.005 * w, 0.0],
                [cx + 0.01 * w, cy],
                [cx + 0.018 * w, (cy + dia_y) / 2],
                [cx + 0.03 * w, dia_y],
                [sx - 0.02 * w, sy - 0.01 * h],
                [sx + rng.uniform(-0.02, 0.03) * w, sy + rng.uniform(0.0, 0.03) * h],
            ]
        )
        pts[1:, 0] += rng.normal(0, 0.004, size=len(pts) - 1) * w
        path = catmull_rom(pts)
        path[:, 1] = np.clip(path[:, 1], 0, h - 1)
        out = _draw_tube(img, path, width_px=max(0.9, 0.8 / mm), strength=0.6, wall=0.12, wall_px=2.5 / mm)
        box = path_box(path, img.shape, 3 / mm)
    else:  # right internal jugular central venous catheter, tip in the SVC / at the cavoatrial junction
        x1, y1, _, _ = lm.heart
        tip_pos = str(rng.choice(["mid SVC", "cavoatrial junction"]))
        tip_y = cy + (0.03 if tip_pos == "mid SVC" else 0.075) * h
        tip_x = cx - 0.035 * w
        pts = np.array(
            [
                [tx - 0.085 * w, 0.0],
                [tx - 0.07 * w, 0.09 * h],
                [tx - 0.05 * w, 0.17 * h],
                [tip_x - 0.005 * w, (0.17 * h + tip_y) / 2],
                [tip_x, tip_y],
            ]
        )
        pts[1:, 0] += rng.normal(0, 0.003, size=len(pts) - 1) * w
        path = catmull_rom(pts)
        out = _draw_tube(img, path, width_px=max(0.9, 1.2 / mm), strength=0.65)
        details["tip"] = tip_pos
        details["side"] = "right"
        box = path_box(path, img.shape, 2.5 / mm)
    return out, Finding("support_device", None, box, details)


# ------------------------------------------------------------------------------------------- sampling

# Relative frequency of each finding in abnormal cases.
WEIGHTS = {
    "cardiomegaly": 1.0,
    "pleural_effusion": 1.2,
    "pneumothorax": 0.9,
    "consolidation": 1.0,
    "nodule": 0.9,
    "support_device": 1.0,
}


def sample_spec(rng: np.random.Generator, normal_prob: float = 0.25) -> list[dict]:
    """A random finding combination: [] (normal) or 1 - 3 findings with sides, consistent with each other
    (no pneumothorax and effusion on the same side; one of each type, except bilateral effusions)."""
    if rng.random() < normal_prob:
        return []
    n = int(rng.choice([1, 2, 3], p=[0.5, 0.35, 0.15]))
    types = list(WEIGHTS)
    p = np.array([WEIGHTS[t] for t in types])
    chosen = list(rng.choice(types, size=n, replace=False, p=p / p.sum()))
    spec: list[dict] = []
    used_sides: set[str] = set()
    for t in sorted(chosen, key=FINDING_TYPES.index):
        item: dict = {"type": str(t)}
        if t in SIDED:
            free = [s for s in ("right", "left") if s not in used_sides]
            if not free:
                continue  # both sides taken by bilateral effusions
            side = str(rng.choice(free))
            item["side"] = side
            used_sides.add(side)
            if t == "pleural_effusion" and rng.random() < 0.15 and len(free) == 2:
                spec.append({"type": "pleural_effusion", "side": "left" if side == "right" else "right"})
                used_sides.update(("left", "right"))
        spec.append(item)
    return sorted(spec, key=lambda s: (FINDING_TYPES.index(s["type"]), s.get("side") or ""))


# A pixel belongs to a finding's mask where drawing it changed the value by more than this (of full scale).
MASK_CHANGE = 0.015


def apply_spec(base: BaseImage, spec: list[dict], rng: np.random.Generator) -> tuple[np.ndarray, list[Finding]]:
    """Draw the findings of `spec` in a fixed order (cardiomegaly first: it moves anatomy; devices last)."""
    img = base.image.copy()
    lm = base.landmarks
    findings: list[Finding] = []
    order = sorted(spec, key=lambda s: FINDING_TYPES.index(s["type"]))
    for item in order:
        t = item["type"]
        kw = {k: v for k, v in item.items() if k != "type"}
        if t == "cardiomegaly":
            new, f = draw_cardiomegaly(img, lm, rng, **kw)
        elif t == "pleural_effusion":
            new, f = draw_pleural_effusion(img, lm, rng, **kw)
        elif t == "pneumothorax":
            new, f = draw_pneumothorax(img, lm, rng, **kw)
        elif t == "consolidation":
            new, f = draw_consolidation(img, lm, rng, **kw)
        elif t == "nodule":
            new, f = draw_nodule(img, lm, rng, **kw)
        elif t == "support_device":
            new, f = draw_support_device(img, lm, rng, **kw)
        else:
            raise ValueError(f"unknown finding type {t!r}")
        f.mask = (np.abs(new - img) > MASK_CHANGE).astype(np.float32)
        img = new
        findings.append(f)
    return np.clip(img, 0, 1).astype(np.float32), findings


# ------------------------------------------------------------------------------------------ augmentation


def augment(
    img: np.ndarray,
    findings: list[Finding],
    rng: np.random.Generator,
    out_max_side: int = 512,
    flip_prob: float = 0.15,
    strength: float = 1.0,
) -> tuple[np.ndarray, list[Finding], dict]:
    """Scale (0.9 - 1.1), shift (up to 5 % each way), optional horizontal flip (side labels swapped), gamma,
    contrast, Gaussian noise; output resized so the longest side is `out_max_side`. Boxes follow exactly
    (no rotation) and are clipped to the image; `strength` 0 gives only the resize."""
    h, w = img.shape
    s_out = out_max_side / max(h, w)
    oh, ow = round(h * s_out), round(w * s_out)
    scale = 1 + strength * rng.uniform(-0.1, 0.1)
    tx = strength * rng.uniform(-0.05, 0.05) * w
    ty = strength * rng.uniform(-0.05, 0.05) * h
    flip = bool(rng.random() < flip_prob * (strength > 0))
    # Pre-blur for the downscale, then one bilinear sampling of the full transform.
    f = 1 / (s_out * scale)
    src = blur(img, 0.45 * f) if f > 1.5 else img
    yo, xo = np.mgrid[0:oh, 0:ow].astype(np.float64)
    xo = (xo + 0.5) / s_out - 0.5
    yo = (yo + 0.5) / s_out - 0.5
    if flip:
        xo = (w - 1) - xo
    cx, cy = (w - 1) / 2, (h - 1) / 2
    xs = (xo - cx - tx) / scale + cx
    ys = (yo - cy - ty) / scale + cy
    out = sample(src, xs, ys, fill=0.0)
    gamma = float(np.exp(strength * rng.uniform(-0.2, 0.2)))
    contrast = 1 + strength * rng.uniform(-0.12, 0.12)
    noise = strength * rng.uniform(0, 0.02)
    out = np.clip(out, 0, 1) ** gamma
    m = float(out.mean())
    out = (out - m) * contrast + m
    if noise > 0:
        out = out + rng.normal(0, noise, size=out.shape).astype(np.float32)
    out = np.clip(out, 0, 1).astype(np.float32)
    new: list[Finding] = []
    for fd in findings:
        x, y, bw, bh = fd.box
        x1 = (x - cx) * scale + cx + tx
        x2 = (x + bw - cx) * scale + cx + tx
        y1 = (y - cy) * scale + cy + ty
        y2 = (y + bh - cy) * scale + cy + ty
        if flip:
            x1, x2 = w - x2, w - x1
        x1, x2 = np.clip([x1 * s_out, x2 * s_out], 0, ow)
        y1, y2 = np.clip([y1 * s_out, y2 * s_out], 0, oh)
        if x2 - x1 < 2 or y2 - y1 < 2:
            continue  # shifted out of the image
        side = fd.side
        if flip and side is not None:
            side = "left" if side == "right" else "right"
        details = dict(fd.details)
        if flip and details.get("side") in ("left", "right"):
            details["side"] = "left" if details["side"] == "right" else "right"
        # The mask goes through the same pre-blur and sampling: a thin tube keeps its (fractional) coverage.
        mask = None if fd.mask is None else sample(blur(fd.mask, 0.45 * f) if f > 1.5 else fd.mask, xs, ys, fill=0.0)
        new.append(Finding(fd.type, side, [float(x1), float(y1), float(x2 - x1), float(y2 - y1)], details, mask))
    params = {
        "scale": round(scale, 4),
        "shift": [round(tx / w, 4), round(ty / h, 4)],
        "flip": flip,
        "gamma": round(gamma, 4),
        "contrast": round(contrast, 4),
        "noise": round(noise, 4),
    }
    return out, new, params


def to_uint8(img: np.ndarray) -> np.ndarray:
    return np.round(np.clip(img, 0, 1) * 255).astype(np.uint8)
