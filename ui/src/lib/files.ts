// Files picked by the officer or drawn on a canvas, turned into what the commands take (base64),
// and the browser's download of a file the hub made (`api.file`).

/** `data:image/png;base64,AAAA` → `AAAA`. */
export function dataUrlToBase64(dataUrl: string): string {
  const i = dataUrl.indexOf(',');
  return i >= 0 ? dataUrl.slice(i + 1) : dataUrl;
}

/** Bytes of a base64 text (without padding or line breaks). */
export function base64Bytes(b64: string): number {
  const clean = b64.replace(/[^A-Za-z0-9+/=]/g, '');
  const pad = clean.endsWith('==') ? 2 : clean.endsWith('=') ? 1 : 0;
  return Math.floor((clean.length * 3) / 4) - pad;
}

export function blobToBase64(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(dataUrlToBase64(String(r.result)));
    r.onerror = () => reject(r.error ?? new Error('read failed'));
    r.readAsDataURL(blob);
  });
}

export function canvasToBlob(canvas: HTMLCanvasElement, type: string, quality?: number): Promise<Blob> {
  return new Promise((resolve, reject) => {
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('encode failed'))), type, quality);
  });
}

/** An image file decoded by the browser (EXIF orientation applied). */
export async function loadImage(src: Blob): Promise<HTMLImageElement> {
  const url = URL.createObjectURL(src);
  try {
    const img = new Image();
    img.decoding = 'async';
    img.src = url;
    await img.decode();
    return img;
  } finally {
    // The decoded image stays usable for drawing after the URL is revoked.
    URL.revokeObjectURL(url);
  }
}

/** Draws part of an image at a given size and encodes it as JPEG. */
export async function drawJpeg(
  source: CanvasImageSource,
  from: { x: number; y: number; width: number; height: number },
  out: { width: number; height: number },
  quality = 0.92,
): Promise<Blob> {
  const c = document.createElement('canvas');
  c.width = out.width;
  c.height = out.height;
  const ctx = c.getContext('2d');
  if (!ctx) throw new Error('no canvas');
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(source, from.x, from.y, from.width, from.height, 0, 0, out.width, out.height);
  return canvasToBlob(c, 'image/jpeg', quality);
}

/** A picture (exception photo, document scan) made small enough to send: longest side ≤ `max` px. */
export async function shrinkImage(file: Blob, max = 1600, quality = 0.85): Promise<Blob> {
  const img = await loadImage(file);
  const w = img.naturalWidth;
  const h = img.naturalHeight;
  const s = Math.min(1, max / Math.max(w, h));
  return drawJpeg(img, { x: 0, y: 0, width: w, height: h }, { width: Math.round(w * s), height: Math.round(h * s) }, quality);
}

/** Saves a blob under a file name (the browser's download). */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
