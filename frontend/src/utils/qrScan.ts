// Reading a QR code from the device's camera: the browser's own
// BarcodeDetector where it has one, else jsQR bundled into the console (no
// other host, nothing fetched at run time).
import jsQR from 'jsqr';

interface DetectedBarcode {
  rawValue: string;
}
interface BarcodeDetectorLike {
  detect(source: CanvasImageSource): Promise<DetectedBarcode[]>;
}
type DetectorClass = {
  new (options?: { formats: string[] }): BarcodeDetectorLike;
  getSupportedFormats?: () => Promise<string[]>;
};

/** The text of the QR code in a frame, if one is readable. */
export function decodeImageData(image: ImageData): string | null {
  const found = jsQR(image.data, image.width, image.height, { inversionAttempts: 'dontInvert' });
  return found && found.data ? found.data : null;
}

/** The browser's QR detector, when it has one that reads QR codes. */
async function nativeDetector(): Promise<BarcodeDetectorLike | null> {
  const Detector = (window as unknown as { BarcodeDetector?: DetectorClass }).BarcodeDetector;
  if (!Detector) return null;
  try {
    const formats = Detector.getSupportedFormats ? await Detector.getSupportedFormats() : ['qr_code'];
    return formats.includes('qr_code') ? new Detector({ formats: ['qr_code'] }) : null;
  } catch {
    return null;
  }
}

export type ScanEngine = 'native' | 'jsqr';

/**
 * Reads codes from `video` until `accept` takes one (returns true) or
 * `stop()` is called. Returns a stop function and the engine in use.
 */
export async function scanVideo(
  video: HTMLVideoElement,
  accept: (text: string) => boolean,
): Promise<{ stop: () => void; engine: ScanEngine }> {
  const native = await nativeDetector();
  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  let running = true;
  const tick = async () => {
    if (!running) return;
    let text: string | null = null;
    if (video.readyState >= 2 && video.videoWidth > 0) {
      if (native) {
        try {
          text = (await native.detect(video))[0]?.rawValue ?? null;
        } catch {
          text = null;
        }
      } else if (ctx) {
        // A frame scaled to at most 800 px wide is plenty for a sheet code.
        const scale = Math.min(1, 800 / video.videoWidth);
        canvas.width = Math.round(video.videoWidth * scale);
        canvas.height = Math.round(video.videoHeight * scale);
        ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
        text = decodeImageData(ctx.getImageData(0, 0, canvas.width, canvas.height));
      }
    }
    if (running && text && accept(text)) running = false;
    if (running) window.setTimeout(() => void tick(), 120);
  };
  void tick();
  return { stop: () => (running = false), engine: native ? 'native' : 'jsqr' };
}

/** The rear camera's stream (any camera on a desktop). */
export function openCamera(): Promise<MediaStream> {
  if (!navigator.mediaDevices?.getUserMedia) {
    return Promise.reject(new Error('此浏览器不能使用摄像头（需要 HTTPS 或 localhost）'));
  }
  return navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
}
