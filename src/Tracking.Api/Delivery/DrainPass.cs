namespace Tracking.Delivery;

/// <summary>
/// What one pass of the worker holds between leasing and settling: the leased partitions, each destination's entries
/// waiting for a request, and the outcomes recorded so far. Entries of several partitions are sent together, and a
/// destination's remainder below a full request waits for the next partition's entries instead of going out as a small
/// request of its own (with 256 partitions a deep queue holds a few hundred entries per partition, so sending per
/// lease filled Meta's requests only about 800 of 1000). A partition is settled once every entry it leased has an
/// outcome.
/// </summary>
internal sealed class DrainPass(int requestSize)
{
    private readonly List<PassPartition> _open = [];
    private readonly Dictionary<Leased, PassPartition> _owner = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, List<Leased>> _waiting = new(StringComparer.Ordinal);

    /// <summary>When the earliest still-open lease began (ms), or null when nothing is open.</summary>
    public long? OldestLease { get; private set; }

    public bool IsEmpty => _open.Count == 0;

    public void Add(PassPartition leased)
    {
        _open.Add(leased);
        foreach (var entry in leased.Entries)
        {
            _owner[entry] = leased;
        }
        OldestLease = OldestLease is { } oldest ? Math.Min(oldest, leased.LeasedAt) : leased.LeasedAt;
    }

    /// <summary>An entry for a destination's next request.</summary>
    public void Wait(string destination, Leased entry)
    {
        if (!_waiting.TryGetValue(destination, out var list))
        {
            _waiting[destination] = list = [];
        }
        list.Add(entry);
    }

    /// <summary>
    /// Takes each destination's requests to send now: only full ones (<paramref name="all"/> false), or everything
    /// waiting, in requests of at most the request size.
    /// </summary>
    public IReadOnlyList<(string Destination, List<Leased> Entries)> Take(bool all)
    {
        var requests = new List<(string, List<Leased>)>();
        foreach (var (destination, waiting) in _waiting)
        {
            var take = all ? waiting.Count : waiting.Count / requestSize * requestSize;
            for (var i = 0; i < take; i += requestSize)
            {
                requests.Add((destination, waiting.GetRange(i, Math.Min(requestSize, take - i))));
            }
            waiting.RemoveRange(0, take);
        }
        return requests;
    }

    public void Record(Settled settled) => _owner[settled.Entry].Done[settled.Entry] = settled;

    /// <summary>
    /// Every open partition, removed from the pass, its entries without an outcome given <paramref name="unsent"/>:
    /// for a pass that failed midway, so what was sent is settled and what was not is given back.
    /// </summary>
    public IReadOnlyList<PassPartition> TakeAll(Func<Leased, Settled> unsent)
    {
        foreach (var partition in _open)
        {
            foreach (var entry in partition.Entries.Where(e => !partition.Done.ContainsKey(e)))
            {
                partition.Done[entry] = unsent(entry);
            }
        }
        _waiting.Clear();
        return TakeComplete();
    }

    /// <summary>The partitions whose every entry has an outcome, removed from the pass (to be settled).</summary>
    public IReadOnlyList<PassPartition> TakeComplete()
    {
        var complete = _open.Where(p => p.Done.Count == p.Entries.Count).ToList();
        _open.RemoveAll(complete.Contains);
        foreach (var entry in complete.SelectMany(p => p.Entries))
        {
            _owner.Remove(entry);
        }
        OldestLease = _open.Count == 0 ? null : _open.Min(p => p.LeasedAt);
        return complete;
    }
}

/// <summary>A leased partition (when its lease began and ends, ms) and the outcomes of its entries so far.</summary>
internal sealed class PassPartition(int partition, long leasedAt, long lease, IReadOnlyList<Leased> entries)
{
    public int Partition => partition;

    public long LeasedAt => leasedAt;

    public long Lease => lease;

    public IReadOnlyList<Leased> Entries => entries;

    public Dictionary<Leased, Settled> Done { get; } = new(ReferenceEqualityComparer.Instance);
}
