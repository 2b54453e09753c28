using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Foresight.Forecasting;
using Foresight.Scaling;
using Foresight.Series;
using Foresight.Server.Scaling;
using Foresight.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Foresight.Server.Tests.Scaling;

/// <summary>
/// Issue 5's KEDA test: the real server decides a workload's replicas, and the JSON that KEDA's
/// <c>metrics-api</c> scaler reads yields, through its <c>valueLocation</c> and an AverageValue
/// target of 1, exactly the replica count the policy decided, recomputed here independently.
/// </summary>
public sealed class KedaScalingTests
{
    // The trigger of the README's ScaledObject.
    private const string ValueLocation = "desiredReplicas";
    private const double TargetValue = 1;

    [Fact]
    public async Task Keda_metrics_api_scaler_reads_the_replica_count_the_policy_decided()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 6, 4, 9, 0, 20, TimeSpan.Zero));
        await using var server = await TestServer.StartAsync(o =>
        {
            o.Time = clock;
            o.Detection.Enabled = false;   // no incidents: the decision is not marked anomalous
        });
        var scaling = server.Server.Services<ScalingService>();
        var decisions = new ConcurrentQueue<WorkloadDecision>();
        var forecastDecision = new TaskCompletionSource<WorkloadDecision>(TaskCreationOptions.RunContinuationsAsynchronously);
        scaling.Decided += d =>
        {
            decisions.Enqueue(d);
            if (double.IsFinite(d.Decision.ForecastPeak)) forecastDecision.TrySetResult(d);
        };
        using var http = server.Client();

        var put = await http.PutAsync("/api/v1/workloads/checkout", Json("""
            {"series": "http_requests_per_second{service=\"checkout\"}", "replicaCapacity": 20, "startupSeconds": 120,
             "minReplicas": 2, "maxReplicas": 50, "pricePerReplicaHour": 0.04}
            """));
        put.StatusCode.Should().Be(HttpStatusCode.Created);
        var early = await http.GetAsync("/api/v1/scaling/checkout");
        early.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable, "KEDA treats this as a scaler error and keeps the current scale");
        (await early.Content.ReadAsStringAsync()).Should().Contain("no series matches");
        (await http.GetAsync("/api/v1/scaling/cart")).StatusCode.Should().Be(HttpStatusCode.NotFound);

        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var points = TwoDays(now);
        (await http.PostAsync("/api/v1/ingest", Json(Batch("http_requests_per_second", points)))).StatusCode.Should().Be(HttpStatusCode.OK);
        var decided = await forecastDecision.Task.WaitAsync(TimeSpan.FromMinutes(3));

        // What KEDA does: GET the url, take the number at valueLocation, and the HPA (AverageValue target) asks for ceil(value / target).
        var response = await http.GetAsync("/api/v1/scaling/checkout");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        using var body = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
        var value = Gjson(body.RootElement, ValueLocation);
        value.Should().NotBeNull();
        value!.Value.ValueKind.Should().Be(JsonValueKind.Number, "the metrics-api scaler refuses anything but a number");
        var kedaReplicas = (int)Math.Ceiling(value.Value.GetDouble() / TargetValue);

        kedaReplicas.Should().Be(decided.Decision.Desired);
        kedaReplicas.Should().Be(scaling.Get("default", "checkout")!.Latest!.Decision.Desired);
        body.RootElement.GetProperty("workload").GetString().Should().Be("checkout");
        body.RootElement.GetProperty("decidedAt").GetDateTimeOffset().Should().Be(clock.GetUtcNow());

        // The same decisions, recomputed from the points sent: grid, forecaster and policy built here.
        var status = await http.GetFromJsonAsync<JsonElement>("/api/v1/workloads/checkout");
        var step = (long)(status.GetProperty("status").GetProperty("gridStepSeconds").GetDouble() * 1000);
        var leads = status.GetProperty("status").GetProperty("leads").GetInt32();
        step.Should().Be(Math.Max(60_000, RegularSeries.ChooseStep(points, RegularSeries.MaxPoints)), "the grid step is chosen from the data");
        var capacity = new CapacityModel { ReplicaCapacity = 20, StartupDelay = TimeSpan.FromMinutes(2), MinReplicas = 2, MaxReplicas = 50, PricePerReplicaHour = 0.04 };
        var scaler = new PredictiveScaler(capacity, new PredictiveScalerOptions { DecisionInterval = TimeSpan.FromSeconds(30) });
        leads.Should().Be((int)(((long)scaler.LookAhead.TotalMilliseconds + 2 * step) / step) + 1);

        var completeEnd = Floor(now - 15_000, step);   // a step is complete once the sample after its end could have arrived
        var grid = RegularSeries.From(points.Where(p => p.Timestamp < completeEnd).ToList(), step)!;
        var span = TimeSpan.FromMilliseconds(grid.Values.Length * step);
        var forecaster = new DemandForecaster(step, leads, new DemandForecasterOptions
        {
            MinHistory = TimeSpan.FromDays(Math.Max(1, (span - TimeSpan.FromDays(1)).TotalDays)),
        });
        for (var i = 0; i < grid.Values.Length; i++) forecaster.Observe(grid.TimeAt(i), grid.Values[i]);
        forecaster.Outlook.Should().NotBeNull();

        var demand = points[^1].Value;   // the series' latest point: sum(selector) at now
        var replicas = capacity.MinReplicas;
        ScalingDecision? expected = null;
        foreach (var d in decisions)
        {
            // Decisions before the forecaster was built are reactive (no outlook); the last one has the forecast.
            var outlook = double.IsFinite(d.Decision.ForecastPeak) ? forecaster.Outlook : null;
            expected = scaler.Decide(new ScalingInput(now, replicas, demand, outlook));
            d.Decision.Desired.Should().Be(expected.Desired);
            d.Decision.Current.Should().Be(replicas);
            replicas = expected.Desired;
            if (outlook is not null) break;
        }
        expected!.ForecastPeak.Should().Be(decided.Decision.ForecastPeak);
        kedaReplicas.Should().Be(expected.Desired);
        kedaReplicas.Should().BeGreaterThanOrEqualTo(capacity.ReplicasFor(demand), "the observed demand is a floor");
        body.RootElement.GetProperty("costPerHour").GetDouble().Should().BeApproximately(kedaReplicas * 0.04, 1e-9);
    }

    [Fact]
    public async Task A_workload_scaling_level_is_the_forecast_quantile_its_decisions_plan_for()
    {
        var decided = await FirstDecision("""{"series": "http_requests_per_second{service=\"checkout\"}", "replicaCapacity": 20, "scalingLevel": 0.97}""",
            d => double.IsFinite(d.Decision.ForecastPeak));
        decided.Decision.Reason.Should().Contain("the p97 forecast");
    }

    [Fact]
    public async Task A_workload_scale_out_step_limit_bounds_each_decision_and_the_reason_says_so()
    {
        // Demand near 200 needs about 10 replicas of 20; the workload starts at its minimum of 1 and may add 2.
        var decided = await FirstDecision("""{"series": "http_requests_per_second{service=\"checkout\"}", "replicaCapacity": 20, "maxScaleOutStep": 2}""", _ => true);
        decided.Decision.Current.Should().Be(1);
        decided.Decision.Desired.Should().Be(3);
        decided.Decision.Reason.Should().Contain("at most 2 are added at once");
    }

    /// <summary>
    /// Creates workload <c>checkout</c> from <paramref name="workload"/> on a server with a manual clock, ingests
    /// <see cref="TwoDays"/> of demand, and returns the first decision that <paramref name="wanted"/> accepts.
    /// </summary>
    private static async Task<WorkloadDecision> FirstDecision(string workload, Func<WorkloadDecision, bool> wanted)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 6, 4, 9, 0, 20, TimeSpan.Zero));
        await using var server = await TestServer.StartOnClockAsync(clock);
        var decision = new TaskCompletionSource<WorkloadDecision>(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Server.Services<ScalingService>().Decided += d =>
        {
            if (wanted(d)) decision.TrySetResult(d);
        };
        using var http = server.Client();
        (await http.PutAsync("/api/v1/workloads/checkout", Json(workload))).StatusCode.Should().Be(HttpStatusCode.Created);
        (await http.PostAsync("/api/v1/ingest", Json(Batch("http_requests_per_second", TwoDays(clock.GetUtcNow().ToUnixTimeMilliseconds()))))).StatusCode.Should().Be(HttpStatusCode.OK);
        return await decision.Task.WaitAsync(TimeSpan.FromMinutes(3));
    }

    /// <summary>Two days of 15-second samples up to <paramref name="now"/>: a daily cycle rising through the morning, with noise.</summary>
    private static List<Point> TwoDays(long now)
    {
        var random = new Random(5);
        var points = new List<Point>();
        for (var t = now - 2 * 86_400_000L + 15_000; t <= now; t += 15_000)
        {
            var hour = (t % 86_400_000) / 3_600_000.0;
            points.Add(new Point(t, Math.Round(200 + 120 * Math.Sin(2 * Math.PI * (hour - 9) / 24) + 8 * (random.NextDouble() - 0.5), 2)));
        }
        return points;
    }

    /// <summary>A minimal GJSON path lookup: dot-separated keys, a number indexes an array (what <c>valueLocation</c> uses here).</summary>
    private static JsonElement? Gjson(JsonElement root, string path)
    {
        var current = root;
        foreach (var part in path.Split('.'))
        {
            if (current.ValueKind == JsonValueKind.Object && current.TryGetProperty(part, out var child)) current = child;
            else if (current.ValueKind == JsonValueKind.Array && int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < current.GetArrayLength()) current = current[i];
            else return null;
        }
        return current;
    }

    private static long Floor(long t, long step) => t - ((t % step) + step) % step;

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static string Batch(string metric, IEnumerable<Point> points) =>
        $$"""{"series":[{"metric":"{{metric}}","labels":{"service":"checkout"},"points":[{{string.Join(",", points.Select(p => $"[{p.Timestamp},{p.Value.ToString(CultureInfo.InvariantCulture)}]"))}}]}]}""";
}
