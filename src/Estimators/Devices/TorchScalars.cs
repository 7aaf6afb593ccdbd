using System;
using TorchSharp;
using static TorchSharp.torch;

namespace MLExt.Devices
{
    /// <summary>
    /// Tensor arithmetic with numbers, passing libtorch Scalars that stay alive until the call returns. TorchSharp (0.107) turns
    /// every number given to a tensor operation, and the implicit alpha of <c>a + b</c>, into a <see cref="Scalar"/> that only its
    /// finalizer frees, and the operation reads the Scalar's handle before its native call: a garbage collection during that
    /// call (any other thread allocating) can free the Scalar while libtorch still reads it, which fails with "Expected false to
    /// be true" from <c>Scalar::toFloat</c>. Here each Scalar is held by a static field or by a <c>using</c> that ends after the
    /// call. MLExt's tensor code takes numbers only through these (a test reads its compiled code for any other way).
    /// </summary>
    internal static class TorchScalars
    {
        // Held for the life of the process.
        private static readonly Scalar One = 1.ToScalar(), Two = 2.ToScalar();

        /// <summary><paramref name="a"/> + <paramref name="b"/>.</summary>
        public static Tensor Plus(this Tensor a, Tensor b) => a.add(b, One);

        public static Tensor Plus(this Tensor a, long b) => a.With(b, static (t, value) => t.add(value, One));

        public static Tensor Plus(this Tensor a, double b) => a.With(b, static (t, value) => t.add(value, One));

        /// <summary>In place, <paramref name="a"/> += <paramref name="b"/>.</summary>
        public static Tensor PlusInPlace(this Tensor a, Tensor b) => a.add_(b, One);

        /// <summary>In place, <paramref name="a"/> += <paramref name="b"/>.</summary>
        public static Tensor PlusInPlace(this Tensor a, double b) => a.With(b, static (t, value) => t.add_(value, One));

        /// <summary>In place, <paramref name="a"/> += <paramref name="scale"/> · <paramref name="b"/>.</summary>
        public static Tensor PlusInPlace(this Tensor a, Tensor b, double scale) => a.With(scale, (t, value) => t.add_(b, value));

        /// <summary>In place, adds the rows of <paramref name="source"/> to <paramref name="a"/>'s rows at <paramref name="index"/> along <paramref name="dimension"/>.</summary>
        public static Tensor AddAtInPlace(this Tensor a, long dimension, Tensor index, Tensor source) => a.index_add_(dimension, index, source, One);

        public static Tensor Minus(this Tensor a, long b) => a.With(b, static (t, value) => t.sub(value));

        public static Tensor Minus(this Tensor a, double b) => a.With(b, static (t, value) => t.sub(value));

        /// <summary><paramref name="a"/> − <paramref name="b"/>, computed as TorchSharp's <c>a - b</c> does: −b + a.</summary>
        public static Tensor SubtractedFrom(this Tensor b, long a) => b.negative().Plus(a);

        public static Tensor Times(this Tensor a, long b) => a.With(b, static (t, value) => t.mul(value));

        public static Tensor Times(this Tensor a, double b) => a.With(b, static (t, value) => t.mul(value));

        /// <summary>In place, <paramref name="a"/> ·= <paramref name="b"/>.</summary>
        public static Tensor TimesInPlace(this Tensor a, double b) => a.With(b, static (t, value) => t.mul_(value));

        public static Tensor DividedBy(this Tensor a, long b) => a.With(b, static (t, value) => t.div(value));

        public static Tensor DividedBy(this Tensor a, double b) => a.With(b, static (t, value) => t.div(value));

        /// <summary><paramref name="a"/> squared, element-wise (as <c>square()</c>, which passes 2 to <c>pow</c>).</summary>
        public static Tensor Squared(this Tensor a) => a.pow(Two);

        /// <summary>
        /// Any other operation that takes a number: <paramref name="operation"/> gets <paramref name="a"/> and the number as a Scalar,
        /// freed after it returns. An integer makes an integer Scalar (ids stay integers), a fraction a floating-point one.
        /// </summary>
        public static Tensor With(this Tensor a, long number, Func<Tensor, Scalar, Tensor> operation)
        {
            using Scalar value = number.ToScalar();
            return operation(a, value);
        }

        public static Tensor With(this Tensor a, double number, Func<Tensor, Scalar, Tensor> operation)
        {
            using Scalar value = number.ToScalar();
            return operation(a, value);
        }

        /// <summary>Each element limited to [<paramref name="min"/>, <paramref name="max"/>].</summary>
        public static Tensor Clamp(this Tensor a, long min, long max)
        {
            using Scalar low = min.ToScalar(), high = max.ToScalar();
            return a.clamp(low, high);
        }

        public static Tensor Clamp(this Tensor a, double min, double max)
        {
            using Scalar low = min.ToScalar(), high = max.ToScalar();
            return a.clamp(low, high);
        }

        /// <summary>In place, each element limited to [<paramref name="min"/>, <paramref name="max"/>].</summary>
        public static Tensor ClampInPlace(this Tensor a, long min, long max)
        {
            using Scalar low = min.ToScalar(), high = max.ToScalar();
            return a.clamp_(low, high);
        }

        /// <summary>A tensor of <paramref name="size"/> elements, each <paramref name="value"/>.</summary>
        public static Tensor Full(long size, double value, Device device = null)
        {
            using Scalar fill = value.ToScalar();
            return full(size, fill, device: device);
        }

        /// <summary>0, 1, ..., <paramref name="count"/> − 1 as 64-bit integers.</summary>
        public static Tensor Range(long count, Device device = null)
        {
            using Scalar start = 0L.ToScalar(), stop = count.ToScalar(), step = 1L.ToScalar();
            return arange(start, stop, step, ScalarType.Int64, device);
        }

        /// <summary>Normal draws of the given shape, as <c>torch.normal(mean, std, shape)</c> makes them (standard draws scaled and shifted).</summary>
        public static Tensor Normal(double mean, double std, long[] shape, Device device = null)
        {
            Tensor draws = randn(shape, device: device);
            using Scalar scale = std.ToScalar(), shift = mean.ToScalar();
            return draws.mul_(scale).add_(shift, One);
        }
    }
}
