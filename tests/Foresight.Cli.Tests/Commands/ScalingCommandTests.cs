using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Foresight.Server.Scaling;
using Foresight.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Foresight.Cli.Tests.Commands;

/// <summary><c>foresight scaling</c>: a running server's scaling decisions from the command line.</summary>
[Collection("Console")]
public sealed class ScalingCommandTests
{
    [Fact]
    public async Task Scaling_says_what_is_wrong_before_asking_a_server()
    {
        var (exit, _, error) = await CliRun.Run("scaling", "--history");
        exit.Should().Be(2);
        error.Should().Contain("--history needs a workload");

        (exit, _, error) = await CliRun.Run("scaling", " ");
        exit.Should().Be(2);
        error.Should().Contain("the workload name is empty");

        // Nothing listens on port 1 of loopback.
        (exit, _, error) = await CliRun.Run("scaling", "--url", "http://127.0.0.1:1");
        exit.Should().Be(1);
        error.Should().Contain("cannot reach http://127.0.0.1:1/");
    }

    [Fact]
    public async Task Scaling_shows_the_decisions_the_server_made_and_the_workloads_still_waiting()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 6, 4, 9, 0, 20, TimeSpan.Zero));
        await using var server = await TestServer.StartOnClockAsync(clock);
        var decided = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Server.Services<ScalingService>().Decided += d =>
        {
            if (d.Workload == "web") decided.TrySetResult();
        };
        using var http = server.Client();
        (await http.PutAsync("/api/v1/workloads/web", Json("""{"series":"rps","replicaCapacity":5,"pricePerReplicaHour":0.1}""")))
            .StatusCode.Should().Be(HttpStatusCode.Created);
        (await http.PutAsync("/api/v1/workloads/idle", Json("""{"series":"absent","replicaCapacity":5}""")))
            .StatusCode.Should().Be(HttpStatusCode.Created);
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var points = string.Join(",", Enumerable.Range(0, 4).Select(i => string.Create(CultureInfo.InvariantCulture, $"[{now - 45_000 + i * 15_000},12]")));
        (await http.PostAsync("/api/v1/ingest", Json($$"""{"series":[{"metric":"rps","labels":{},"points":[{{points}}]}]}""")))
            .StatusCode.Should().Be(HttpStatusCode.OK);
        await decided.Task.WaitAsync(TimeSpan.FromMinutes(1));
        var url = server.BaseAddress.ToString();
        var latest = JsonDocument.Parse(await http.GetStringAsync("/api/v1/scaling/web")).RootElement;
        var desired = latest.GetProperty("desiredReplicas").GetInt32();
        var current = latest.GetProperty("currentReplicas").GetInt32();
        desired.Should().BeGreaterThan(current, "12 requests a second need more than the minimum of 1 replica of 5");
        var reason = latest.GetProperty("reason").GetString()!;

        var (exit, output, _) = await CliRun.Run("scaling", "--url", url);
        exit.Should().Be(0);
        output.Should().MatchRegex($@"│ web\s+│ {current} → {desired}\s+│ {latest.GetProperty("action").GetString()}\s+│");
        output.Should().Contain($"web: {reason}").And.Contain("idle: no current decision: ").And.Contain("absent");

        (exit, output, _) = await CliRun.Run("scaling", "web", "--url", url);
        exit.Should().Be(0);
        output.Should().Contain($"web: {current} → {desired} replicas, {latest.GetProperty("action").GetString()}, confidence ")
            .And.Contain($"  why: {reason}")
            .And.Contain(string.Create(CultureInfo.InvariantCulture, $"{desired * 0.1:0.####} per hour"));

        (exit, output, _) = await CliRun.Run("scaling", "web", "--history", "--json", "--url", url);
        exit.Should().Be(0);
        var history = JsonDocument.Parse(output).RootElement;
        history.GetProperty("workload").GetString().Should().Be("web");
        history.GetProperty("decisions")[0].GetProperty("desiredReplicas").GetInt32().Should().Be(desired);

        (exit, _, var error) = await CliRun.Run("scaling", "idle", "--url", url);
        exit.Should().Be(1);
        error.Should().Contain("the server answered 503: Workload 'idle' has no decision yet");

        (exit, _, error) = await CliRun.Run("scaling", "nope", "--url", url);
        exit.Should().Be(1);
        error.Should().Contain("the server answered 404: There is no workload 'nope'");
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
