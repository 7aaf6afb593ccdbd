using System;
using System.Buffers;
using System.Linq;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace MLExt.Hashing
{
    /// <summary>
    /// A set of non-zero 64-bit keys, each numbered by when it was first added (0, 1, 2, ...) and counted each time it is added.
    /// Open addressing with linear probing over one array whose entries hold key, number and count together: the CTR
    /// featurizer and OutRank look up every value of every row, and with <c>Dictionary&lt;ulong, int&gt;</c> (two or three cache
    /// misses a lookup on a large field) those lookups were most of the time the featurizer's <c>Fit</c> spent outside training.
    /// The entry arrays come from a pool: a table that a <c>Fit</c> fills and drops (OutRank's codes, the featurizer's counts)
    /// hands its array back with <see cref="Release"/>, so the next <c>Fit</c> reuses memory that is already paged in, where fresh
    /// arrays of megabytes cost page faults and full garbage collections (large arrays count toward those).
    /// </summary>
    internal sealed class KeyTable
    {
        private const ulong Empty = 0;
        private const int InitialSize = 1024;

        private static readonly ArrayPool<Entry> Pool = ArrayPool<Entry>.Shared;

        private Entry[] _entries;
        // 64 − log2 of the entries' length, for Slot.
        private int _shift;

        public KeyTable()
        {
            Use(Pool.Rent(InitialSize));
        }

        /// <summary>Keys added.</summary>
        public int Count { get; private set; }

        /// <summary>Hands the entries back to the pool once the keys are no longer needed; only <see cref="Count"/> may be read after.</summary>
        public void Release()
        {
            if (_entries == null)
                return;
            Pool.Return(_entries);
            _entries = null;
        }

        /// <summary>The key's number, or −1 when it was never added.</summary>
        public int IndexOf(ulong key)
        {
            for (int slot = Slot(key); ; slot = (slot + 1) & (_entries.Length - 1))
            {
                ulong held = _entries[slot].Key;
                if (held == key)
                    return _entries[slot].Number;
                if (held == Empty)
                    return -1;
            }
        }

        /// <summary>How many lookups ahead to <see cref="Prefetch"/> a key: enough to cover a miss to memory.</summary>
        public const int PrefetchDistance = 16;

        /// <summary>Asks the processor to bring the key's slot into the cache, so that a lookup of it a little later does not
        /// wait for memory; nothing happens where the processor has no prefetch instruction.</summary>
        public unsafe void Prefetch(ulong key)
        {
            // A prefetch never faults and changes nothing: should the GC move the array meanwhile, a stale line is fetched.
            if (Sse.IsSupported)
                Sse.Prefetch0(Unsafe.AsPointer(ref _entries[Slot(key)]));
        }

        /// <summary>Counts the key once more and returns its number, giving it the next number when it is new.</summary>
        public int Add(ulong key)
        {
            if (key == Empty)
                throw new ArgumentOutOfRangeException(nameof(key), "Key 0 is reserved for free slots.");
            int slot = Slot(key);
            for (; ; slot = (slot + 1) & (_entries.Length - 1))
            {
                ref Entry entry = ref _entries[slot];
                if (entry.Key == key)
                {
                    // Counts saturate: they are only compared with a minimum count and ordered.
                    if (entry.Count < int.MaxValue)
                        entry.Count++;
                    return entry.Number;
                }
                if (entry.Key == Empty)
                    break;
            }
            int number = Count++;
            _entries[slot] = new Entry { Key = key, Number = number, Count = 1 };
            // Half full at most, so probes stay short.
            if (2 * Count > _entries.Length)
                Grow();
            return number;
        }

        /// <summary>Every key with how often it was added, by number.</summary>
        public (ulong Key, int Count)[] ByNumber()
        {
            var keys = new (ulong Key, int Count)[Count];
            foreach (Entry entry in _entries.Where(e => e.Key != Empty))
                keys[entry.Number] = (entry.Key, entry.Count);
            return keys;
        }

        // Fibonacci hashing: the top bits of key times 2^64 / golden ratio spread even small, consecutive keys (Boolean values).
        private int Slot(ulong key) => (int)((key * 0x9E3779B97F4A7C15UL) >> _shift);

        private void Grow()
        {
            Entry[] old = _entries;
            Use(Pool.Rent(2 * old.Length));
            foreach (Entry entry in old)
            {
                if (entry.Key == Empty)
                    continue;
                int slot = Slot(entry.Key);
                while (_entries[slot].Key != Empty)
                    slot = (slot + 1) & (_entries.Length - 1);
                _entries[slot] = entry;
            }
            Pool.Return(old);
        }

        // Arrays from the pool hold old entries, or garbage when newly made (the shared pool skips zeroing them): cleared here.
        // The pool may hand out an array longer than asked for (a power of two all the same): slots span its whole length.
        private void Use(Entry[] entries)
        {
            Array.Clear(entries);
            _entries = entries;
            _shift = 64 - BitOperations.Log2((uint)entries.Length);
        }

        private struct Entry
        {
            public ulong Key;
            public int Number;
            public int Count;
        }
    }
}
