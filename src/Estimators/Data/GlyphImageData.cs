using System;
using System.Linq;

namespace MLExt.Data
{
    /// <summary>Options of <see cref="GlyphImageData"/>; the defaults are MNIST's image size and a 12,000-image sample of it.</summary>
    internal sealed class GlyphImageDataOptions
    {
        /// <summary>Images.</summary>
        public int RowCount { get; set; } = 12000;

        /// <summary>Width and height in pixels.</summary>
        public int Side { get; set; } = 28;

        /// <summary>Classes: each is one glyph drawn with its own strokes.</summary>
        public int ClassCount { get; set; } = 10;

        /// <summary>Fixes the glyphs and the images.</summary>
        public int Seed { get; set; } = 1;
    }

    /// <summary>
    /// Handwriting-like grey images for feature selection on pixels: each class is a glyph of three to four random strokes
    /// (quadratic curves) inside the central 70% of the image, and each image draws its class's glyph with the strokes' points
    /// jittered, the whole glyph shifted, scaled and rotated a little, and the pen width varied, anti-aliased to whole values in
    /// 0-255. As in MNIST, the border pixels are blank in almost every image and non-zero only where a glyph strays there, so a
    /// selector must not take their rare values for information.
    /// </summary>
    internal sealed class GlyphImageData
    {
        private const int CurveSteps = 24;

        /// <summary>Generates the images.</summary>
        public GlyphImageData(GlyphImageDataOptions options)
        {
            if (options == null)
                throw new ArgumentNullException(nameof(options));
            if (options.RowCount < 1 || options.Side < 8 || options.ClassCount < 2)
                throw new ArgumentOutOfRangeException(nameof(options), "Need at least one image, a side of at least 8 pixels and at least 2 classes.");
            var random = new Random(options.Seed);
            int side = options.Side;
            // A glyph: strokes, each three control points (start, bend, end) in [0.15, 0.85] of the image.
            double[][][] glyphs = Enumerable.Range(0, options.ClassCount).Select(_ =>
                Enumerable.Range(0, 3 + random.Next(2)).Select(_ => Enumerable.Range(0, 6).Select(_ => 0.15 + 0.7 * random.NextDouble()).ToArray()).ToArray()).ToArray();

            Features = new float[options.RowCount][];
            Labels = new int[options.RowCount];
            for (int r = 0; r < options.RowCount; r++)
            {
                int label = random.Next(options.ClassCount);
                double angle = (random.NextDouble() - 0.5) * 0.5, scale = 0.85 + 0.3 * random.NextDouble();
                double shiftX = (random.NextDouble() - 0.5) * 0.16, shiftY = (random.NextDouble() - 0.5) * 0.16;
                double pen = (1.0 + 1.2 * random.NextDouble()) / side;
                double cos = Math.Cos(angle) * scale, sin = Math.Sin(angle) * scale;
                var ink = new double[side * side];
                foreach (double[] stroke in glyphs[label])
                {
                    // Jitter the control points, then place them: rotate and scale about the centre, shift.
                    var points = new double[6];
                    for (int p = 0; p < 6; p += 2)
                    {
                        double x = stroke[p] + (random.NextDouble() - 0.5) * 0.08 - 0.5, y = stroke[p + 1] + (random.NextDouble() - 0.5) * 0.08 - 0.5;
                        points[p] = 0.5 + shiftX + cos * x - sin * y;
                        points[p + 1] = 0.5 + shiftY + sin * x + cos * y;
                    }
                    Draw(ink, side, points, pen);
                }
                Features[r] = ink.Select(v => (float)Math.Round(255 * Math.Min(1, v))).ToArray();
                Labels[r] = label;
            }
        }

        /// <summary>One row of <c>Side</c> x <c>Side</c> pixels per image, row by row, values 0 to 255.</summary>
        public float[][] Features { get; }

        /// <summary>The class of each image, 0 to ClassCount − 1.</summary>
        public int[] Labels { get; }

        // Ink of a quadratic curve as short segments: a pixel's ink falls off linearly from the pen's half-width to one pixel past it.
        private static void Draw(double[] ink, int side, double[] c, double pen)
        {
            double px = c[0], py = c[1];
            for (int s = 1; s <= CurveSteps; s++)
            {
                double t = (double)s / CurveSteps, u = 1 - t;
                double x = u * u * c[0] + 2 * u * t * c[2] + t * t * c[4], y = u * u * c[1] + 2 * u * t * c[3] + t * t * c[5];
                double reach = pen + 1.0 / side;
                int x0 = Math.Max(0, (int)((Math.Min(px, x) - reach) * side)), x1 = Math.Min(side - 1, (int)((Math.Max(px, x) + reach) * side));
                int y0 = Math.Max(0, (int)((Math.Min(py, y) - reach) * side)), y1 = Math.Min(side - 1, (int)((Math.Max(py, y) + reach) * side));
                for (int row = y0; row <= y1; row++)
                    for (int column = x0; column <= x1; column++)
                    {
                        double distance = SegmentDistance((column + 0.5) / side, (row + 0.5) / side, px, py, x, y);
                        double value = 1 - (distance - pen) * side;
                        if (value > 0)
                            ink[row * side + column] = Math.Max(ink[row * side + column], Math.Min(1, value));
                    }
                px = x;
                py = y;
            }
        }

        private static double SegmentDistance(double x, double y, double ax, double ay, double bx, double by)
        {
            double dx = bx - ax, dy = by - ay, length = dx * dx + dy * dy;
            double t = length == 0 ? 0 : Math.Clamp(((x - ax) * dx + (y - ay) * dy) / length, 0, 1);
            double ex = x - ax - t * dx, ey = y - ay - t * dy;
            return Math.Sqrt(ex * ex + ey * ey);
        }
    }
}
