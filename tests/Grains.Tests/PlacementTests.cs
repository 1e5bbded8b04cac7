using Shear.Grains.Abstractions;
using Shear.Grains.Placement;

namespace Shear.Grains.Tests;

/// <summary>Placement by device slots on fake work boards: two silos with 0, 1 or 4 GPUs.</summary>
public sealed class PlacementTests
{
    private static SiloLoad Silo(string name, int gpus, int freeSlots = -1, long freeMemory = 0, int running = 0) =>
        new(name, gpus > 0 ? "cuda" : "cpu", gpus, freeMemory, running, DateTime.UtcNow)
        {
            Devices = Math.Max(1, gpus),
            FreeSlots = freeSlots < 0 ? Math.Max(1, gpus) : freeSlots,
        };

    private static Dictionary<string, SiloLoad> Board(params SiloLoad[] loads) => loads.ToDictionary(l => l.Silo, l => l);

    [Fact]
    public void AGpuSiloIsChosenOverACpuSilo()
    {
        var board = Board(Silo("a", 0), Silo("b", 1));
        Assert.Equal(["b", "a"], SiloRanking.Order(["a", "b"], board));
        // Even with its GPU held: a queued GPU beats an idle CPU for a layer of a large model.
        board = Board(Silo("a", 0), Silo("b", 1, freeSlots: 0, running: 3));
        Assert.Equal("b", SiloRanking.Order(["a", "b"], board)[0]);
    }

    [Fact]
    public void MoreFreeSlotsWinThenMoreFreeMemory()
    {
        var board = Board(Silo("one", 1, freeMemory: 80L << 30), Silo("four", 4, freeMemory: 20L << 30));
        Assert.Equal(["four", "one"], SiloRanking.Order(["one", "four"], board));
        board = Board(Silo("one", 1, freeMemory: 80L << 30), Silo("four", 4, freeSlots: 0, freeMemory: 20L << 30));
        Assert.Equal(["one", "four"], SiloRanking.Order(["one", "four"], board));
        board = Board(Silo("one", 1, freeMemory: 80L << 30), Silo("four", 4, freeSlots: 1, freeMemory: 20L << 30));
        Assert.Equal(["one", "four"], SiloRanking.Order(["one", "four"], board)); // one free slot each: the emptier GPU
    }

    [Fact]
    public void WhatWasPlacedSinceTheBoardWasReadCountsAgainstASilosFreeSlots()
    {
        var board = Board(Silo("one", 1), Silo("four", 4));
        var placed = new Dictionary<string, int> { ["one"] = 0, ["four"] = 0 };
        var chosen = new List<string>();
        for (int i = 0; i < 5; i++)
        {
            var best = SiloRanking.Order(["one", "four"], board, s => placed[s])[0];
            placed[best]++;
            chosen.Add(best);
        }

        // 4 free slots against 1: three go to the 4-GPU silo; at one free slot each the tie goes to the fewer running
        // (counting those just placed), then the last free slot.
        Assert.Equal(["four", "four", "four", "one", "four"], chosen);
    }

    [Fact]
    public void AJobGetsAShardPerGpuAndNoneOnCpuSilosWhenThereAreGpus()
    {
        Assert.Equal(["b"], SiloRanking.ShardSlots(["a", "b"], Board(Silo("a", 0), Silo("b", 1))));
        Assert.Equal(["c", "c", "c", "c"], SiloRanking.ShardSlots(["a", "c"], Board(Silo("a", 0), Silo("c", 4))));
        // 1 + 4 GPUs: five shards, the silos taking turns (a capped count spreads before it fills one silo).
        Assert.Equal(["c", "b", "c", "c", "c"], SiloRanking.ShardSlots(["b", "c"], Board(Silo("b", 1), Silo("c", 4))));
    }

    [Fact]
    public void CpuSilosGetAShardEachAndAnUnlistedSiloCountsAsOneCpuSlot()
    {
        Assert.Equal(["a", "b"], SiloRanking.ShardSlots(["b", "a"], Board(Silo("a", 0), Silo("b", 0))));
        Assert.Equal(["a", "x"], SiloRanking.ShardSlots(["x", "a"], Board(Silo("a", 0))));
        Assert.Equal(["b"], SiloRanking.ShardSlots(["x", "b"], Board(Silo("b", 1))));
    }
}
