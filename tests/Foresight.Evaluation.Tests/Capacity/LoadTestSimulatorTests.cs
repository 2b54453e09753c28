using Foresight.Capacity;
using Foresight.Evaluation.Capacity;

namespace Foresight.Evaluation.Tests.Capacity;

/// <summary>The load-test simulator behind <c>eval latency</c> against the queueing model's closed forms.</summary>
public class LoadTestSimulatorTests
{
    [Fact]
    public void Mmc_mean_wait_agrees_with_a_long_simulation()
    {
        var system = new SimulatedSystem(Servers: 3, MeanServiceTime: 0.1, ServiceScv: 1, ServiceDistribution.Exponential, Overhead: 0);
        var queue = new QueueModel { Servers = 3, ServiceRate = 10 };
        var simulated = LoadTestSimulator.Run(system, arrivalRate: 24, requests: 400_000, new Random(11));

        simulated.Mean.Should().BeApproximately(queue.MeanResponse(24), 0.03 * queue.MeanResponse(24));
        simulated.P99.Should().BeApproximately(queue.ResponseQuantile(24, 0.99), 0.05 * queue.ResponseQuantile(24, 0.99));
        simulated.Throughput.Should().BeApproximately(24, 0.5);
    }
}
