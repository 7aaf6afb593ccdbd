using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;
using System.Text;

namespace MLExt.Charts
{
    /// <summary>
    /// An RGB picture in memory that draws rectangles and text and saves itself as PNG. Managed code only: no native imaging
    /// library and no system font is needed, so reports render the same on a build server as on a laptop.
    /// </summary>
    internal sealed class RasterImage
    {
        private readonly byte[] _pixels;

        /// <summary>A picture of the given size, filled with <paramref name="background"/>.</summary>
        public RasterImage(int width, int height, Rgb background)
        {
            if (width < 1 || height < 1 || (long)width * height > 100_000_000)
                throw new ArgumentOutOfRangeException(nameof(width), $"An image of {width} x {height} pixels cannot be drawn.");
            Width = width;
            Height = height;
            _pixels = new byte[width * height * 3];
            FillRectangle(0, 0, width, height, background);
        }

        /// <summary>Width in pixels.</summary>
        public int Width { get; }

        /// <summary>Height in pixels.</summary>
        public int Height { get; }

        /// <summary>The colour at (x, y).</summary>
        public Rgb this[int x, int y]
        {
            get
            {
                int i = (y * Width + x) * 3;
                return new Rgb(_pixels[i], _pixels[i + 1], _pixels[i + 2]);
            }
        }

        /// <summary>Fills a rectangle; the parts outside the picture are cut off.</summary>
        public void FillRectangle(int x, int y, int width, int height, Rgb colour)
        {
            int left = Math.Max(0, x), top = Math.Max(0, y), right = Math.Min(Width, x + width), bottom = Math.Min(Height, y + height);
            for (int row = top; row < bottom; row++)
            {
                for (int column = left; column < right; column++)
                {
                    int i = (row * Width + column) * 3;
                    _pixels[i] = colour.R;
                    _pixels[i + 1] = colour.G;
                    _pixels[i + 2] = colour.B;
                }
            }
        }

        /// <summary>Draws text with its top-left corner at (x, y), in <see cref="PixelFont"/>'s glyphs enlarged <paramref name="scale"/> times.</summary>
        public void DrawText(string text, int x, int y, Rgb colour, int scale = 2)
        {
            foreach (char c in text)
            {
                bool[,] glyph = PixelFont.Glyph(c);
                for (int row = 0; row < PixelFont.GlyphHeight; row++)
                    for (int column = 0; column < PixelFont.GlyphWidth; column++)
                        if (glyph[row, column])
                            FillRectangle(x + column * scale, y + row * scale, scale, scale, colour);
                x += PixelFont.Advance * scale;
            }
        }

        /// <summary>Writes the picture as a PNG file (8-bit RGB, no interlacing).</summary>
        public void SavePng(string path)
        {
            using var file = File.Create(path);
            WritePng(file);
        }

        /// <summary>Writes the picture as PNG to a stream.</summary>
        public void WritePng(Stream stream)
        {
            stream.Write(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A });
            var header = new byte[13];
            BinaryPrimitives.WriteInt32BigEndian(header, Width);
            BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), Height);
            header[8] = 8;   // bits per channel
            header[9] = 2;   // colour type: RGB
            WriteChunk(stream, "IHDR", header);

            // Each scanline starts with its filter type; 0 (none) keeps the writer simple, and zlib still shrinks flat charts well.
            using var compressed = new MemoryStream();
            using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
            {
                for (int row = 0; row < Height; row++)
                {
                    zlib.WriteByte(0);
                    zlib.Write(_pixels, row * Width * 3, Width * 3);
                }
            }
            WriteChunk(stream, "IDAT", compressed.ToArray());
            WriteChunk(stream, "IEND", Array.Empty<byte>());
        }

        private static void WriteChunk(Stream stream, string type, byte[] data)
        {
            var length = new byte[4];
            BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
            stream.Write(length);
            byte[] typeBytes = Encoding.ASCII.GetBytes(type);
            stream.Write(typeBytes);
            stream.Write(data);
            var crc = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32.Of(typeBytes, data));
            stream.Write(crc);
        }
    }

    /// <summary>A colour: red, green and blue from 0 to 255.</summary>
    internal readonly record struct Rgb(byte R, byte G, byte B);

    /// <summary>The CRC-32 of PNG chunks (ISO 3309, reflected polynomial 0xEDB88320).</summary>
    internal static class Crc32
    {
        private static readonly uint[] Table = MakeTable();

        public static uint Of(byte[] first, byte[] second)
        {
            uint crc = 0xFFFFFFFF;
            foreach (byte[] part in new[] { first, second })
                foreach (byte b in part)
                    crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
            return crc ^ 0xFFFFFFFF;
        }

        private static uint[] MakeTable()
        {
            var table = new uint[256];
            for (uint n = 0; n < 256; n++)
            {
                uint c = n;
                for (int k = 0; k < 8; k++)
                    c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
                table[n] = c;
            }
            return table;
        }
    }
}
