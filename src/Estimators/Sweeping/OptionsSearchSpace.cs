using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Reflection;
using Microsoft.ML.SearchSpace;

namespace MLExt.Sweeping
{
    /// <summary>
    /// The search space an options class declares with ML.NET's <see cref="RangeAttribute"/>, <see cref="ChoiceAttribute"/> and
    /// <see cref="BooleanChoiceAttribute"/> (the attributes AutoML.NET's <c>SearchSpace&lt;T&gt;</c> reads), as a unit cube: each
    /// swept property is one coordinate in [0, 1], and <see cref="Apply"/> turns a point of the cube into property values. A sweep
    /// (a random or Bayesian search, a grid) draws points; everything the attributes do not name keeps the options' own value.
    /// </summary>
    /// <typeparam name="TOptions">An options class with settable, attributed properties.</typeparam>
    public sealed class OptionsSearchSpace<TOptions> where TOptions : class
    {
        private readonly SweptProperty[] _properties;

        /// <summary>Reads the attributes of <typeparamref name="TOptions"/>'s public properties, inherited ones too.</summary>
        /// <exception cref="InvalidOperationException">An attribute sits on a property it cannot describe (a range on an enum, a
        /// choice whose candidates are not the property's type, a Boolean choice on a non-Boolean).</exception>
        public OptionsSearchSpace()
        {
            _properties = typeof(TOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Where(p => p.CanWrite)
                .Select(SweptProperty.From)
                .Where(p => p != null)
                .OrderBy(p => p.Property.Name, StringComparer.Ordinal)
                .ToArray();
        }

        /// <summary>The swept properties' names, in the order of a point's coordinates.</summary>
        public IReadOnlyList<string> PropertyNames => _properties.Select(p => p.Property.Name).ToArray();

        /// <summary>The number of coordinates of a point.</summary>
        public int Dimension => _properties.Length;

        /// <summary>
        /// Sets every swept property of <paramref name="options"/> from <paramref name="point"/>: a range maps [0, 1] onto
        /// [min, max] (on a log scale where the range says so; integers rounded), a choice splits [0, 1] into equal parts, one
        /// per candidate, and a Boolean choice is true from 0.5 up.
        /// </summary>
        /// <returns><paramref name="options"/>, for chaining.</returns>
        public TOptions Apply(TOptions options, IReadOnlyList<double> point)
        {
            ArgumentNullException.ThrowIfNull(options);
            ArgumentNullException.ThrowIfNull(point);
            if (point.Count != _properties.Length)
                throw new ArgumentException($"The point has {point.Count} coordinates; {typeof(TOptions).Name}'s space has {_properties.Length} ({string.Join(", ", PropertyNames)}).", nameof(point));
            for (int i = 0; i < _properties.Length; i++)
            {
                double u = point[i];
                if (!(u >= 0 && u <= 1))
                    throw new ArgumentOutOfRangeException(nameof(point), $"Coordinate {i} ({_properties[i].Property.Name}) is {u}; each must be in [0, 1].");
                _properties[i].Set(options, u);
            }
            return options;
        }

        /// <summary>One swept property and how a coordinate becomes its value.</summary>
        private sealed class SweptProperty
        {
            private readonly Func<double, object> _value;

            private SweptProperty(PropertyInfo property, Func<double, object> value)
            {
                Property = property;
                _value = value;
            }

            public PropertyInfo Property { get; }

            public void Set(object options, double u) => Property.SetValue(options, _value(u));

            public static SweptProperty From(PropertyInfo property)
            {
                // A nullable property (null meaning "let the estimator choose") is swept over its value type.
                Type type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
                if (property.GetCustomAttribute<RangeAttribute>() is { } range)
                {
                    if (type != typeof(int) && type != typeof(float) && type != typeof(double))
                        throw Misplaced(property, "a range needs an int, float or double property");
                    double min = Convert.ToDouble(range.Min, CultureInfo.InvariantCulture), max = Convert.ToDouble(range.Max, CultureInfo.InvariantCulture);
                    if (!(min <= max) || (range.LogBase && min <= 0))
                        throw Misplaced(property, $"the range [{min}, {max}] is empty{(range.LogBase ? " or not positive on a log scale" : "")}");
                    Func<double, double> scale = range.LogBase
                        ? u => Math.Exp(Math.Log(min) + u * (Math.Log(max) - Math.Log(min)))
                        : u => min + u * (max - min);
                    return new SweptProperty(property, u =>
                    {
                        // The ends exactly, and clamped between: a log scale's exp can land a rounding error outside the range.
                        double value = u == 0 ? min : u == 1 ? max : Math.Clamp(scale(u), min, max);
                        return type == typeof(int) ? (int)Math.Round(value) : type == typeof(float) ? (object)(float)value : value;
                    });
                }
                if (property.GetCustomAttribute<ChoiceAttribute>() is { } choice)
                {
                    object[] candidates = choice.Candidates;
                    if (candidates.Length == 0 || candidates.Any(c => c == null || c.GetType() != type))
                        throw Misplaced(property, $"every choice must be a {type.Name}");
                    return new SweptProperty(property, u => candidates[Math.Min(candidates.Length - 1, (int)(u * candidates.Length))]);
                }
                if (property.GetCustomAttribute<BooleanChoiceAttribute>() != null)
                {
                    if (type != typeof(bool))
                        throw Misplaced(property, "a Boolean choice needs a bool property");
                    return new SweptProperty(property, u => u >= 0.5);
                }
                return null;
            }

            private static InvalidOperationException Misplaced(PropertyInfo property, string why)
                => new($"{property.DeclaringType.Name}.{property.Name}: {why}.");
        }
    }
}
