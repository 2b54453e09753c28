using System.Text.Json;
using Foresight.Detection.Incidents;
using Foresight.Series;
using Foresight.Server.Detection;
using Foresight.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Foresight.Server.Tests.Detection;

public sealed class WebhookAlerterTests
{
    /// <summary>
    /// A receiver on a free port and a started alerter posting to it (after <paramref name="downWebhook"/>, when given),
    /// with no cooldown and retries 50 ms to 400 ms apart.
    /// </summary>
    private sealed class Rig : IAsyncDisposable
    {
        private readonly HttpClient _http = new();

        private Rig(WebhookReceiver receiver, AlertOptions options, IncidentTracker tracker, IStateStore? state)
        {
            Receiver = receiver;
            Tracker = tracker;
            Alerter = new WebhookAlerter(options, Tracker, _http, TimeProvider.System, NullLogger<WebhookAlerter>.Instance, state);
        }

        public WebhookReceiver Receiver { get; }

        public IncidentTracker Tracker { get; }

        public WebhookAlerter Alerter { get; }

        public static async Task<Rig> StartAsync(int status = 200, string? downWebhook = null, IStateStore? state = null, IncidentTracker? tracker = null)
        {
            var port = ServerProcess.FreePort();
            var receiver = new WebhookReceiver(port) { Status = status };
            await receiver.StartAsync();
            var options = new AlertOptions
            {
                Webhooks = [.. downWebhook is null ? [] : new[] { downWebhook }, receiver.Url],
                Cooldown = TimeSpan.Zero,
                FirstRetryDelay = TimeSpan.FromMilliseconds(50),
                MaxRetryDelay = TimeSpan.FromMilliseconds(400),
                AttemptTimeout = TimeSpan.FromSeconds(5),
            };
            var rig = new Rig(receiver, options, tracker ?? new IncidentTracker(), state);
            await rig.Alerter.StartAsync(CancellationToken.None);
            return rig;
        }

        public async ValueTask DisposeAsync()
        {
            await Alerter.StopAsync(CancellationToken.None);
            Alerter.Dispose();
            _http.Dispose();
            await Receiver.DisposeAsync();
        }
    }

    private static AnomalyPoint Point(string service, long t, double score = 0.95) =>
        new(1, $"rps{{service=\"{service}\"}}", service, t, 500, score, 90, 110, ["zscore"]);

    [Fact]
    public async Task One_alert_per_incident_and_none_lost_while_the_receiver_refuses_connections()
    {
        await using var rig = await Rig.StartAsync();
        var (receiver, tracker, alerter) = (rig.Receiver, rig.Tracker, rig.Alerter);

        var t = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
        tracker.Add("default", Point("checkout", t), t);
        tracker.Add("default", Point("checkout", t + 60_000), t);   // same incident: no second alert
        await WaitFor(() => receiver.Received.Count == 1);

        await receiver.StopAsync();                                  // connections now refused
        tracker.Add("default", Point("payments", t + 120_000), t);
        tracker.Add("default", Point("search", t + 180_000), t);
        tracker.Add("default", Point("checkout", t + 3_600_000), t); // checkout's first incident resolved by quiet time: a new one
        await Task.Delay(1500);                                      // several failed attempts
        receiver.Received.Count.Should().Be(1);

        await receiver.StartAsync();
        await WaitFor(() => receiver.Received.Count == 4);
        await Task.Delay(500);
        var ids = receiver.Received.Select(r => r.GetProperty("id").GetString()).ToList();
        ids.Should().OnlyHaveUniqueItems().And.HaveCount(4);
        receiver.Received.Select(r => r.GetProperty("service").GetString()).Should().BeEquivalentTo(["checkout", "payments", "search", "checkout"]);
        receiver.Received.Should().OnlyContain(r => r.GetProperty("delaySeconds").GetDouble() >= 0 && r.GetProperty("severity").GetString() == "critical");
        alerter.DeliveryDelays.Should().HaveCount(4);
    }

    [Fact]
    public async Task A_webhook_that_is_down_holds_back_no_other_webhook()
    {
        await using var rig = await Rig.StartAsync(downWebhook: $"http://127.0.0.1:{ServerProcess.FreePort()}/hook");   // refuses connections
        var (receiver, tracker, alerter) = (rig.Receiver, rig.Tracker, rig.Alerter);

        var t = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
        tracker.Add("default", Point("checkout", t), t);
        tracker.Add("default", Point("payments", t), t);
        await WaitFor(() => receiver.Received.Count == 2);
        receiver.Received.Select(r => r.GetProperty("service").GetString()).Should().Equal("checkout", "payments");
        receiver.ContentLengths.Should().OnlyContain(length => length > 0, "the body is sent with a Content-Length, not chunked");
        alerter.Pending.Should().BeGreaterThan(0, "the down webhook still has both alerts to deliver");
    }

    [Fact]
    public async Task A_client_error_is_not_retried_and_a_server_error_is()
    {
        await using var rig = await Rig.StartAsync(status: 404);
        var (receiver, tracker, alerter) = (rig.Receiver, rig.Tracker, rig.Alerter);

        var t = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
        tracker.Add("default", Point("checkout", t), t);
        await WaitFor(() => receiver.Received.Count == 1);
        await Task.Delay(600);                                        // several retry delays
        receiver.Received.Should().HaveCount(1, "a 404 will not turn into a 200 by asking again");
        alerter.DeliveryDelays.Should().BeEmpty();

        receiver.Status = 503;
        tracker.Add("default", Point("payments", t), t);
        await WaitFor(() => receiver.Received.Count >= 3);            // retried
        receiver.Status = 200;
        await WaitFor(() => alerter.DeliveryDelays.Count == 1);
        receiver.Received.Skip(1).Should().OnlyContain(r => r.GetProperty("service").GetString() == "payments");
    }

    [Fact]
    public async Task Incidents_in_backfilled_history_are_not_announced_and_a_live_one_is()
    {
        await using var rig = await Rig.StartAsync();
        var (receiver, tracker, alerter) = (rig.Receiver, rig.Tracker, rig.Alerter);

        var now = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
        tracker.Add("default", Point("checkout", now - 86_400_000), now);   // a day-old anomaly found while backfilling
        tracker.Add("default", Point("payments", now - 60_000), now);       // a minute old: live
        await WaitFor(() => receiver.Received.Count == 1);
        await Task.Delay(300);
        receiver.Received.Should().ContainSingle().Which.GetProperty("service").GetString().Should().Be("payments");
        tracker.List("default").Should().HaveCount(2, "the old incident is still listed");
    }

    [Fact]
    public async Task An_incident_announced_before_a_restart_is_not_announced_again_when_it_grows_after_it()
    {
        var state = new MemoryStateStore();
        var t = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
        byte[] incidents;
        string announced;
        await using (var before = await Rig.StartAsync(state: state))
        {
            announced = before.Tracker.Add("default", Point("checkout", t), t).Id;
            await WaitFor(() => before.Receiver.Received.Count == 1);
            await Wait.UntilAsync(async () => await state.GetStateAsync(WebhookAlerter.StateKey) is not null, "the announcement to be saved");
            incidents = before.Tracker.Export();
        }

        var tracker = new IncidentTracker();
        tracker.TryImport(incidents, out var error).Should().BeTrue(error);
        await using var after = await Rig.StartAsync(state: state, tracker: tracker);
        after.Tracker.Add("default", Point("checkout", t + 60_000), t).Id.Should().Be(announced, "the restored incident grows");
        after.Tracker.Add("default", Point("payments", t + 60_000), t);
        await WaitFor(() => after.Receiver.Received.Count == 1);
        after.Receiver.Received.Should().ContainSingle().Which.GetProperty("service").GetString().Should().Be("payments",
            "checkout's incident was announced before the restart (payments' alert would have come after a second checkout one)");
    }

    [Fact]
    public void Cooldown_groups_a_services_incidents_and_severity_follows_score_and_distance()
    {
        var tracker = new IncidentTracker(new IncidentOptions { QuietPeriod = TimeSpan.FromMinutes(1) });
        var changes = new List<(Incident, IncidentChange)>();
        tracker.Changed += (i, c) => changes.Add((i, c));
        var t = 1_700_000_000_000L;
        var first = tracker.Add("x", Point("a", t, 0.52), t);
        first.Severity.Should().Be(Severity.Low);
        var escalated = tracker.Add("x", Point("a", t + 10_000, 0.9), t);
        escalated.Id.Should().Be(first.Id);
        escalated.Severity.Should().Be(Severity.Critical);
        tracker.Advance("x", "a", t + 200_000);
        changes.Select(c => c.Item2).Should().Equal(IncidentChange.Opened, IncidentChange.Updated, IncidentChange.Resolved);
        tracker.List("x").Single().Resolved.Should().BeTrue();
        tracker.List("y").Should().BeEmpty();

        IncidentTracker.Classify(0.7, 150, 90, 110).Should().Be(Severity.High);
        IncidentTracker.Classify(0.7, 130, 90, 110).Should().Be(Severity.Medium, "one range width out is not yet high");
        IncidentTracker.Classify(0.6, 100, 90, 110).Should().Be(Severity.Medium);
        IncidentTracker.Classify(0.55, 200, 90, 110).Should().Be(Severity.Low);
    }

    private static Task WaitFor(Func<bool> condition) => Wait.UntilAsync(condition, "the alerts", TimeSpan.FromSeconds(30));
}
