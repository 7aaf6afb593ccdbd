using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;
using System.Text;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using MLExt.Charts;

namespace MLExt.Testing
{
    /// <summary>
    /// Reads back the PNG files MLExt writes (8-bit RGB, unfiltered scanlines), checking the signature and every chunk's CRC
    /// against the CRC-32 computed here bit by bit, independently of the writer's table.
    /// </summary>
    internal static class PngReader
    {
        public static RasterImage Read(string path)
        {
            byte[] bytes = File.ReadAllBytes(path);
            CollectionAssert.AreEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8], "PNG signature");
            int width = 0, height = 0;
            var data = new MemoryStream();
            int at = 8;
            while (at < bytes.Length)
            {
                int length = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(at));
                string type = Encoding.ASCII.GetString(bytes, at + 4, 4);
                byte[] body = bytes[(at + 8)..(at + 8 + length)];
                uint crc = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(at + 8 + length));
                Assert.AreEqual(BitwiseCrc32(bytes.AsSpan(at + 4, 4 + length)), crc, $"CRC of the {type} chunk");
                if (type == "IHDR")
                {
                    width = BinaryPrimitives.ReadInt32BigEndian(body);
                    height = BinaryPrimitives.ReadInt32BigEndian(body.AsSpan(4));
                    Assert.AreEqual(8, body[8], "bit depth");
                    Assert.AreEqual(2, body[9], "colour type RGB");
                }
                else if (type == "IDAT")
                    data.Write(body);
                at += 12 + length;
            }
            data.Position = 0;
            using var zlib = new ZLibStream(data, CompressionMode.Decompress);
            var raw = new MemoryStream();
            zlib.CopyTo(raw);
            byte[] pixels = raw.ToArray();
            Assert.AreEqual(height * (1 + 3 * width), pixels.Length, "scanline bytes");
            var image = new RasterImage(width, height, new Rgb(0, 0, 0));
            for (int y = 0; y < height; y++)
            {
                int line = y * (1 + 3 * width);
                Assert.AreEqual(0, pixels[line], "filter type");
                for (int x = 0; x < width; x++)
                    image.FillRectangle(x, y, 1, 1, new Rgb(pixels[line + 1 + 3 * x], pixels[line + 2 + 3 * x], pixels[line + 3 + 3 * x]));
            }
            return image;
        }

        private static uint BitwiseCrc32(ReadOnlySpan<byte> bytes)
        {
            uint crc = 0xFFFFFFFF;
            foreach (byte b in bytes)
            {
                crc ^= b;
                for (int k = 0; k < 8; k++)
                    crc = (crc >> 1) ^ (0xEDB88320 & (uint)-(int)(crc & 1));
            }
            return ~crc;
        }
    }
}
