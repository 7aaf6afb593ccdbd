using System;
using System.IO;
using System.Linq;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using MLExt.Charts;
using MLExt.Testing;

namespace MLExt.Estimators.Tests.Charts
{
    [TestClass]
    public class ChartTests
    {
        [TestMethod]
        public void APngRoundTripsEveryPixel()
        {
            var image = new RasterImage(7, 5, new Rgb(255, 255, 255));
            image.FillRectangle(1, 1, 3, 2, new Rgb(10, 20, 30));
            image.FillRectangle(5, 3, 10, 10, new Rgb(200, 0, 100));   // runs off the edge: cut, not an error
            RasterImage read = RoundTrip(image);
            Assert.AreEqual(7, read.Width);
            Assert.AreEqual(5, read.Height);
            for (int y = 0; y < 5; y++)
                for (int x = 0; x < 7; x++)
                    Assert.AreEqual(image[x, y], read[x, y], $"pixel ({x}, {y})");
            Assert.AreEqual(new Rgb(10, 20, 30), read[3, 2]);
            Assert.AreEqual(new Rgb(200, 0, 100), read[6, 4]);
        }

        [TestMethod]
        public void TextInksExactlyTheGlyphsPixels()
        {
            var image = new RasterImage(20, 10, new Rgb(255, 255, 255));
            image.DrawText("L", 1, 1, new Rgb(0, 0, 0), scale: 1);
            // 'L' is the left column and the bottom row of its 5 x 7 cell.
            for (int y = 0; y < PixelFont.GlyphHeight; y++)
                for (int x = 0; x < PixelFont.GlyphWidth; x++)
                    Assert.AreEqual(x == 0 || y == PixelFont.GlyphHeight - 1, image[1 + x, 1 + y] == new Rgb(0, 0, 0), $"({x}, {y})");
            Assert.AreSame(PixelFont.Glyph('a'), PixelFont.Glyph('A'), "lower case is drawn as capitals");
            Assert.AreSame(PixelFont.Glyph('?'), PixelFont.Glyph('\u00e9'), "unknown characters are drawn as '?'");
        }

        [TestMethod]
        public void BarsAreAsLongAsTheirValuesAndNegativeOnesGoLeft()
        {
            RasterImage chart = RoundTrip(BarChart.Draw("Scores", new[] { ("alpha", 4.0), ("beta", 2.0), ("gamma", -1.0) }));
            var blue = new Rgb(52, 101, 164);
            var red = new Rgb(204, 0, 0);
            int Count(Rgb colour, int row) => Enumerable.Range(0, chart.Width).Count(x => chart[x, row] == colour);
            int[] rows = Enumerable.Range(0, chart.Height).Where(y => Count(blue, y) > 0 || Count(red, y) > 0).ToArray();
            int alpha = rows.Max(y => Count(blue, y));
            int beta = rows.Where(y => Count(blue, y) < alpha && Count(blue, y) > 0).Max(y => Count(blue, y));
            int gamma = rows.Max(y => Count(red, y));
            Assert.AreEqual(2.0, alpha / (double)beta, 0.02);
            Assert.AreEqual(4.0, alpha / (double)gamma, 0.05);
            int firstRed = rows.Where(y => Count(red, y) > 0).Min();
            int firstBlue = rows.Min();
            Assert.IsTrue(firstBlue < firstRed, "bars are drawn top to bottom in the order given");
            int redRight = Enumerable.Range(0, chart.Width).Last(x => chart[x, firstRed] == red);
            int blueLeft = Enumerable.Range(0, chart.Width).First(x => chart[x, firstBlue] == blue);
            Assert.IsTrue(redRight < blueLeft, "a negative bar ends where positive ones start");
            Assert.Throws<ArgumentException>(() => BarChart.Draw("none", Array.Empty<(string, double)>()));
            Assert.Throws<ArgumentException>(() => BarChart.Draw("nan", new[] { ("x", double.NaN) }));
        }

        private static RasterImage RoundTrip(RasterImage image)
        {
            string path = Path.Combine(Path.GetTempPath(), "mlext-chart-" + Guid.NewGuid().ToString("N") + ".png");
            try
            {
                image.SavePng(path);
                return PngReader.Read(path);
            }
            finally
            {
                File.Delete(path);
            }
        }
    }
}
