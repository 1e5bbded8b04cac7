namespace Shear.Grains.Driving;

/// <summary>
/// The one way a grain drives long work: a grain timer advances it by one round at a time (each round a short turn,
/// or awaits that hand compute to a device worker), and a reminder brings the grain back after its silo was lost,
/// whereupon it goes on from its persisted state. The sweep and the prune job both derive from it; what a round does
/// and decides lives in the derived grain (the sweep's decisions in the pure <c>SweepScheduler</c>).
/// </summary>
public abstract class DrivenGrain : Grain, IRemindable
{
    private const string ReminderName = "drive";
    private IGrainTimer? _timer;

    /// <summary>Whether there is work to drive (read from the persisted state).</summary>
    protected abstract bool Running { get; }

    /// <summary>The pause between rounds.</summary>
    protected abstract TimeSpan Period { get; }

    /// <summary>One round of the work.</summary>
    protected abstract Task Advance(CancellationToken cancellation);

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        Drive(); // a reactivated running grain goes on at once
        return base.OnActivateAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (Running)
        {
            Drive();
            return;
        }

        if (await this.GetReminder(ReminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    /// <summary>Registers the reminder (work that outlives this activation) and starts the rounds; call once the work is persisted as running.</summary>
    protected async Task StartDriving()
    {
        await this.RegisterOrUpdateReminder(ReminderName, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
        Drive();
    }

    /// <summary>Starts the rounds in this activation unless they run already (or there is nothing to drive).</summary>
    protected void Drive()
    {
        if (_timer is null && Running)
        {
            _timer = this.RegisterGrainTimer(Round, new GrainTimerCreationOptions(TimeSpan.Zero, Period) { KeepAlive = true });
        }
    }

    private async Task Round(CancellationToken cancellation)
    {
        if (!Running)
        {
            _timer?.Dispose();
            _timer = null;
            return;
        }

        await Advance(cancellation);
    }
}
