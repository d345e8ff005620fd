// The operator's crop box for the KTP-el photo: always 3:4 portrait, always inside the image, in
// pixels of the image as the browser shows it (EXIF orientation applied, as the hub does too).

import type { CropBox } from './api/types.gen';

/** The hub refuses a photo (or the 3:4 part of it that is used) smaller than this. */
export const MIN_PHOTO_WIDTH = 600;
export const MIN_PHOTO_HEIGHT = 800;

/**
 * Largest photo file sent as it is, with the crop box: its base64 must stay under the hub's 1 MiB
 * command body limit. Bigger files are cropped and scaled down in the browser first.
 */
export const MAX_DIRECT_BYTES = 720 * 1024;

/** A box cropped in the browser is scaled down to at most this (twice the card's photo box). */
export const CLIENT_CROP_MAX = { width: 900, height: 1200 } as const;

export interface Size {
  width: number;
  height: number;
}

/** The largest 3:4 portrait box that fits in `w`×`h`, centred. */
export function largestCentred(w: number, h: number): CropBox {
  const width = Math.min(w, Math.floor((h * 3) / 4));
  const height = Math.min(h, Math.floor((width * 4) / 3));
  return { x: Math.floor((w - width) / 2), y: Math.floor((h - height) / 2), width, height };
}

/** Height of a 3:4 box of this width. */
export const heightFor = (width: number): number => Math.round((width * 4) / 3);

/** Keeps the box inside the image (moving it, then shrinking it if it is still too big). */
export function clampCrop(box: CropBox, img: Size): CropBox {
  let width = Math.max(1, Math.round(box.width));
  let height = heightFor(width);
  if (width > img.width || height > img.height) {
    const fit = largestCentred(img.width, img.height);
    width = fit.width;
    height = fit.height;
  }
  const x = Math.min(Math.max(0, Math.round(box.x)), img.width - width);
  const y = Math.min(Math.max(0, Math.round(box.y)), img.height - height);
  return { x, y, width, height };
}

/** The box moved by (dx, dy) image pixels, kept inside the image. */
export function moveCrop(box: CropBox, dx: number, dy: number, img: Size): CropBox {
  return clampCrop({ ...box, x: box.x + dx, y: box.y + dy }, img);
}

/**
 * The box with a new width (height follows 3:4), its top-left corner fixed; never wider or taller
 * than the image allows from that corner, never narrower than `minWidth` (unless the image is).
 */
export function resizeCrop(box: CropBox, width: number, img: Size, minWidth = MIN_PHOTO_WIDTH): CropBox {
  const maxWidth = Math.min(img.width - box.x, Math.floor(((img.height - box.y) * 3) / 4));
  const lower = Math.min(minWidth, maxWidth);
  const w = Math.max(lower, Math.min(Math.round(width), maxWidth));
  return { x: box.x, y: box.y, width: w, height: Math.min(heightFor(w), img.height - box.y) };
}

/** The box grown or shrunk by `factor` around its centre, kept inside the image. */
export function scaleCrop(box: CropBox, factor: number, img: Size, minWidth = MIN_PHOTO_WIDTH): CropBox {
  const fit = largestCentred(img.width, img.height);
  const lower = Math.min(minWidth, fit.width);
  const width = Math.max(lower, Math.min(fit.width, Math.round(box.width * factor)));
  const height = heightFor(width);
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  return clampCrop({ x: cx - width / 2, y: cy - height / 2, width, height }, img);
}

/** Whether the hub will accept this image and box on size alone. */
export function sizeProblem(img: Size, box: CropBox | null): 'image' | 'crop' | null {
  if (img.width < MIN_PHOTO_WIDTH || img.height < MIN_PHOTO_HEIGHT) return 'image';
  if (box && (box.width < MIN_PHOTO_WIDTH || box.height < MIN_PHOTO_HEIGHT)) return 'crop';
  return null;
}

export type UploadPlan =
  | { kind: 'direct'; crop: CropBox }
  /** Crop in the browser to `crop`, draw it at `out` size, send that (no crop box). */
  | { kind: 'client'; crop: CropBox; out: Size };

/** How a photo of `bytes` bytes with this box is sent to the hub. */
export function planUpload(bytes: number, box: CropBox): UploadPlan {
  if (bytes <= MAX_DIRECT_BYTES) return { kind: 'direct', crop: box };
  const scale = Math.min(1, CLIENT_CROP_MAX.width / box.width, CLIENT_CROP_MAX.height / box.height);
  const width = Math.max(1, Math.round(box.width * scale));
  return { kind: 'client', crop: box, out: { width, height: heightFor(width) } };
}

/** Fits an image into a frame for display; the factor maps image pixels to screen pixels. */
export function displayScale(img: Size, frame: Size): number {
  if (img.width <= 0 || img.height <= 0) return 1;
  return Math.min(frame.width / img.width, frame.height / img.height, 1);
}
