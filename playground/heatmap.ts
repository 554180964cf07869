/**
 * Heatmaps of T x H trace arrays on a canvas: steps down, hidden units across, one canvas pixel
 * per element (enlarged by CSS, pixelated). Grids larger than MAX_SIDE on a side are reduced by
 * blocks first, as the HTML report does: the mean of a block's values, the largest of its ULP
 * distances, so a single bad element still shows.
 *
 * Colours: values on a diverging blue-white-red scale, symmetric about 0 up to the largest
 * finite magnitude; NaN black, +Infinity dark red, -Infinity dark blue. ULP distances in log2
 * buckets from white (0, bit-identical) through greens and yellows to red, black for a NaN or an
 * infinity that the other side does not have.
 */

export const MAX_SIDE = 320;

export interface Grid {
  values: Float64Array;
  rows: number;
  cols: number;
}

type Rgb = readonly [number, number, number];

/** The grid reduced to at most MAX_SIDE rows and columns, with the block size used. */
export function reduce(grid: Grid, combine: 'mean' | 'max'): { grid: Grid; block: [number, number] } {
  const br = Math.max(1, Math.ceil(grid.rows / MAX_SIDE));
  const bc = Math.max(1, Math.ceil(grid.cols / MAX_SIDE));
  if (br === 1 && bc === 1) return { grid, block: [1, 1] };
  const rows = Math.ceil(grid.rows / br);
  const cols = Math.ceil(grid.cols / bc);
  const values = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      let sum = 0;
      let n = 0;
      let max = -Infinity;
      for (let t = r * br; t < Math.min(grid.rows, (r + 1) * br); t++) {
        for (let j = c * bc; j < Math.min(grid.cols, (c + 1) * bc); j++) {
          const v = grid.values[t * grid.cols + j];
          sum += v;
          n++;
          max = Number.isNaN(v) || v > max ? v : max;
        }
      }
      values[r * cols + c] = combine === 'mean' ? sum / n : max;
    }
  }
  return { grid: { values, rows, cols }, block: [br, bc] };
}

const WHITE: Rgb = [247, 247, 247];
const RED: Rgb = [178, 24, 43];
const BLUE: Rgb = [33, 102, 172];

function mix(a: Rgb, b: Rgb, f: number): Rgb {
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
}

/** The diverging scale for a key's values: its colour function and the magnitude it spans. */
export function valueScale(values: Float64Array): { colour: (v: number) => Rgb; span: number } {
  let span = 0;
  for (const v of values) if (Number.isFinite(v)) span = Math.max(span, Math.abs(v));
  const colour = (v: number): Rgb => {
    if (Number.isNaN(v)) return [0, 0, 0];
    if (v === Infinity) return [103, 0, 31];
    if (v === -Infinity) return [5, 48, 97];
    const f = span === 0 ? 0 : v / span;
    return f >= 0 ? mix(WHITE, RED, f) : mix(WHITE, BLUE, -f);
  };
  return { colour, span };
}

/** ULP buckets: 0, 1, 2-3, 4-15, 16-255, 256-65535, from 65536, and a mismatch of NaN or infinity. */
export const ULP_BUCKETS: { label: string; upTo: number; colour: Rgb }[] = [
  { label: '0', upTo: 0, colour: WHITE },
  { label: '1', upTo: 1, colour: [199, 233, 192] },
  { label: '2-3', upTo: 3, colour: [116, 196, 118] },
  { label: '4-15', upTo: 15, colour: [254, 217, 118] },
  { label: '16-255', upTo: 255, colour: [253, 141, 60] },
  { label: '256-65535', upTo: 65535, colour: [227, 26, 28] },
  { label: '65536+', upTo: Number.MAX_VALUE, colour: [128, 0, 38] },
  { label: 'NaN / inf mismatch', upTo: Infinity, colour: [0, 0, 0] },
];

export function ulpColour(ulps: number): Rgb {
  return (ULP_BUCKETS.find((b) => ulps <= b.upTo) ?? ULP_BUCKETS[ULP_BUCKETS.length - 1]).colour;
}

/**
 * Paints the grid on `canvas`, one canvas pixel per element, shown enlarged on each axis on its
 * own (up to 24 CSS pixels an element) so that a long sequence of few units stays readable.
 */
export function paint(canvas: HTMLCanvasElement, grid: Grid, colour: (v: number) => Rgb): void {
  canvas.width = Math.max(1, grid.cols);
  canvas.height = Math.max(1, grid.rows);
  const enlarge = (n: number) => Math.max(1, Math.min(24, Math.floor(MAX_SIDE / n)));
  canvas.style.width = `${canvas.width * enlarge(canvas.width)}px`;
  canvas.style.height = `${canvas.height * enlarge(canvas.height)}px`;
  if (grid.rows === 0 || grid.cols === 0) return;
  const context = canvas.getContext('2d')!;
  const image = context.createImageData(grid.cols, grid.rows);
  for (let k = 0; k < grid.values.length; k++) {
    const [r, g, b] = colour(grid.values[k]);
    image.data.set([r, g, b, 255], 4 * k);
  }
  context.putImageData(image, 0, 0);
}
