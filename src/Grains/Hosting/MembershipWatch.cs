using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Clustering.Redis;

namespace Shear.Grains.Hosting;

/// <summary>
/// On a Redis-clustered silo: when Redis comes back without its data, the cluster's membership table is gone and
/// Orleans retries forever (the silo neither leaves nor rejoins, holding its ports). This watch reads the table every
/// few seconds; once it has been missing for <see cref="Patience"/>, the silo says why and exits with
/// <see cref="ExitCode"/> so its supervisor (Kubernetes, the test, the operator) starts a fresh one that forms a new
/// cluster. A Redis outage that ends with the data back (the table is there again) never triggers it.
/// </summary>
internal sealed partial class MembershipWatch(IMembershipTable table, IHostApplicationLifetime lifetime, ILogger<MembershipWatch> logger) : BackgroundService
{
    /// <summary>The process exit code of a silo that left because its cluster's membership was lost.</summary>
    public const int ExitCode = 3;

    /// <summary>How long the table may be missing before the silo leaves.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan Period = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        DateTime? missingSince = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Period, stoppingToken);
                await table.ReadAllAsync(stoppingToken);
                missingSince = null;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (RedisClusteringException e) when (e.Message.Contains("missing", StringComparison.OrdinalIgnoreCase))
            {
                missingSince ??= DateTime.UtcNow;
                if (DateTime.UtcNow - missingSince >= Patience)
                {
                    LogLost(e.Message, Patience.TotalSeconds);
                    Environment.ExitCode = ExitCode;
                    lifetime.StopApplication();
                    // Orleans' graceful stop cannot update a table that is gone: do not wait on it for minutes.
                    await Task.Delay(TimeSpan.FromSeconds(15), CancellationToken.None);
                    Environment.Exit(ExitCode);
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                missingSince = null; // Redis unreachable for now (an outage): the table may come back with the data
                LogUnreachable(e.GetType().Name);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "the cluster's membership table is gone from Redis ({Reason}) for {Seconds} s: Redis lost its data; this silo leaves (exit code 3) so a fresh one can form a new cluster")]
    private partial void LogLost(string reason, double seconds);

    [LoggerMessage(Level = LogLevel.Debug, Message = "membership table unreadable for now ({Error})")]
    private partial void LogUnreachable(string error);
}
