import { describe, expect, it } from 'vitest';
import {
  CLIENT_CROP_MAX,
  MAX_DIRECT_BYTES,
  clampCrop,
  displayScale,
  heightFor,
  largestCentred,
  moveCrop,
  planUpload,
  resizeCrop,
  scaleCrop,
  sizeProblem,
} from './crop';

const is3x4 = (b: { width: number; height: number }) => Math.abs(b.height - (b.width * 4) / 3) <= 1;
const inside = (b: { x: number; y: number; width: number; height: number }, img: { width: number; height: number }) =>
  b.x >= 0 && b.y >= 0 && b.x + b.width <= img.width && b.y + b.height <= img.height;

describe('the 3:4 crop box', () => {
  it('starts as the largest centred 3:4 box, for landscape, portrait and exact images', () => {
    expect(largestCentred(1920, 1080)).toEqual({ x: 555, y: 0, width: 810, height: 1080 });
    expect(largestCentred(900, 1600)).toEqual({ x: 0, y: 200, width: 900, height: 1200 });
    expect(largestCentred(900, 1200)).toEqual({ x: 0, y: 0, width: 900, height: 1200 });
    for (const [w, h] of [[1201, 999], [4032, 3024], [3024, 4032], [601, 801]]) {
      const b = largestCentred(w, h);
      expect(is3x4(b)).toBe(true);
      expect(inside(b, { width: w, height: h })).toBe(true);
    }
  });

  it('moves inside the image only', () => {
    const img = { width: 1200, height: 1200 };
    const box = largestCentred(1200, 1200); // 900×1200 at x 150
    expect(moveCrop(box, -40, 0, img)).toMatchObject({ x: 110, y: 0 });
    expect(moveCrop(box, -1000, -50, img)).toMatchObject({ x: 0, y: 0, width: 900, height: 1200 });
    expect(moveCrop(box, 1000, 1000, img)).toMatchObject({ x: 300, y: 0 });
  });

  it('resizes from its corner keeping 3:4, never past the image or below the minimum', () => {
    const img = { width: 2000, height: 1500 };
    const box = { x: 100, y: 100, width: 750, height: 1000 };
    const bigger = resizeCrop(box, 900, img);
    expect(bigger).toEqual({ x: 100, y: 100, width: 900, height: 1200 });
    const tooBig = resizeCrop(box, 5000, img);
    expect(inside(tooBig, img)).toBe(true);
    expect(tooBig.width).toBe(1050); // (1500 − 100) × 3/4
    expect(resizeCrop(box, 10, img)).toMatchObject({ width: 600, height: 800 });
  });

  it('scales around its centre and clamps back inside', () => {
    const img = { width: 1920, height: 1080 };
    const box = largestCentred(1920, 1080);
    const smaller = scaleCrop(box, 0.8, img);
    expect(smaller.width).toBe(648);
    expect(is3x4(smaller)).toBe(true);
    expect(Math.abs(smaller.x + smaller.width / 2 - (box.x + box.width / 2))).toBeLessThanOrEqual(1);
    expect(scaleCrop(smaller, 10, img)).toEqual(box);
    expect(scaleCrop(box, 0.1, img).width).toBe(600);
  });

  it('clamps a box that no longer fits (another image was loaded)', () => {
    const b = clampCrop({ x: 500, y: 500, width: 900, height: 1200 }, { width: 800, height: 600 });
    expect(inside(b, { width: 800, height: 600 })).toBe(true);
    expect(is3x4(b)).toBe(true);
    expect(heightFor(600)).toBe(800);
  });

  it('names a photo or box below 600×800 before the hub is asked', () => {
    expect(sizeProblem({ width: 1280, height: 720 }, null)).toBe('image');
    expect(sizeProblem({ width: 1920, height: 1080 }, { x: 0, y: 0, width: 450, height: 600 })).toBe('crop');
    expect(sizeProblem({ width: 1920, height: 1080 }, largestCentred(1920, 1080))).toBeNull();
  });

  it('sends a small file with its box, and crops a large one in the browser to at most 900×1200', () => {
    const box = { x: 1000, y: 200, width: 2250, height: 3000 };
    expect(planUpload(MAX_DIRECT_BYTES, box)).toEqual({ kind: 'direct', crop: box });
    const plan = planUpload(5_000_000, box);
    expect(plan).toEqual({ kind: 'client', crop: box, out: { width: 900, height: 1200 } });
    // A box already small enough is not enlarged.
    const small = { x: 0, y: 0, width: 700, height: 933 };
    expect(planUpload(5_000_000, small)).toEqual({ kind: 'client', crop: small, out: { width: 700, height: 933 } });
    expect(CLIENT_CROP_MAX.width * 4).toBe(CLIENT_CROP_MAX.height * 3);
  });

  it('fits an image in the display frame without enlarging it', () => {
    expect(displayScale({ width: 1920, height: 1080 }, { width: 520, height: 390 })).toBeCloseTo(520 / 1920);
    expect(displayScale({ width: 900, height: 1200 }, { width: 520, height: 390 })).toBeCloseTo(390 / 1200);
    expect(displayScale({ width: 200, height: 100 }, { width: 520, height: 390 })).toBe(1);
  });
});
