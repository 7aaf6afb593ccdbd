using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace MLExt.Charts
{
    /// <summary>A horizontal bar chart: one labelled bar per item, top to bottom in the order given, with its value printed.</summary>
    internal static class BarChart
    {
        private const int Scale = 2;
        private const int RowHeight = 22;
        private const int BarHeight = 14;
        private const int Margin = 12;
        private const int BarAreaWidth = 480;
        private static readonly Rgb Background = new Rgb(255, 255, 255);
        private static readonly Rgb Ink = new Rgb(30, 30, 30);
        private static readonly Rgb Positive = new Rgb(52, 101, 164);
        private static readonly Rgb Negative = new Rgb(204, 0, 0);
        private static readonly Rgb Axis = new Rgb(150, 150, 150);

        /// <summary>Draws the chart; negative values extend left of the zero line in another colour.</summary>
        public static RasterImage Draw(string title, IReadOnlyList<(string Label, double Value)> bars)
        {
            if (bars == null || bars.Count == 0)
                throw new ArgumentException("A bar chart needs at least one bar.", nameof(bars));
            if (bars.Any(b => !double.IsFinite(b.Value)))
                throw new ArgumentException("Bar values must be finite numbers.", nameof(bars));
            string[] values = bars.Select(b => b.Value.ToString("G4", CultureInfo.InvariantCulture)).ToArray();
            int labelWidth = bars.Max(b => PixelFont.Measure(b.Label, Scale));
            int valueWidth = values.Max(v => PixelFont.Measure(v, Scale));
            int titleHeight = PixelFont.GlyphHeight * Scale + Margin;
            int width = Math.Max(Margin + labelWidth + Margin + BarAreaWidth + Margin + valueWidth + Margin, PixelFont.Measure(title, Scale) + 2 * Margin);
            int height = Margin + titleHeight + bars.Count * RowHeight + Margin;
            var image = new RasterImage(width, height, Background);
            image.DrawText(title, Margin, Margin, Ink, Scale);

            // The zero line sits where the bar area splits between the largest negative and the largest positive value.
            double low = Math.Min(0, bars.Min(b => b.Value)), high = Math.Max(0, bars.Max(b => b.Value));
            double span = high - low > 0 ? high - low : 1;
            int barLeft = Margin + labelWidth + Margin;
            int zero = barLeft + (int)Math.Round(-low / span * BarAreaWidth);
            int top = Margin + titleHeight;
            for (int i = 0; i < bars.Count; i++)
            {
                int y = top + i * RowHeight;
                int textY = y + (RowHeight - PixelFont.GlyphHeight * Scale) / 2;
                image.DrawText(bars[i].Label, barLeft - Margin - PixelFont.Measure(bars[i].Label, Scale), textY, Ink, Scale);
                int length = (int)Math.Round(Math.Abs(bars[i].Value) / span * BarAreaWidth);
                int barY = y + (RowHeight - BarHeight) / 2;
                if (bars[i].Value >= 0)
                    image.FillRectangle(zero, barY, length, BarHeight, Positive);
                else
                    image.FillRectangle(zero - length, barY, length, BarHeight, Negative);
                image.DrawText(values[i], barLeft + BarAreaWidth + Margin, textY, Ink, Scale);
            }
            image.FillRectangle(zero, top, 1, bars.Count * RowHeight, Axis);
            return image;
        }
    }
}
