using System.Text.Json;
using Foresight.Detection.Incidents;
using Foresight.Series;
using Foresight.Server.Detection;
using Foresight.Tests.Support;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Foresight.Server.Tests.Detection;

public sealed class WebhookAlerterTests
{
    private static readonly DateTimeOffset Start = new(2025, 6, 4, 9, 0, 0, TimeSpan.Zero);
    private static readonly long T = Start.ToUnixTimeMilliseconds();

    /// <summary>The longest retry delay of the rig's alerter: advancing its clock by this much fires any retry that is waiting.</summary>
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromMilliseconds(400);

    /// <summary>
    /// A receiver on a free port and a started alerter posting to it (after <paramref name="downWebhook"/>, when given),
    /// with no cooldown and retries 50 ms to 400 ms apart on a fake clock (at <see cref="Start"/>): a retry happens when
    /// the test advances <see cref="Clock"/>, so no test waits for one in real time.
    /// </summary>
    private sealed class Rig : IAsyncDisposable
    {
        private readonly HttpClient _http = new();

        private Rig(WebhookReceiver receiver, AlertOptions options, IncidentTracker tracker, IStateStore? state)
        {
            Receiver = receiver;
            Tracker = tracker;
            Alerter = new WebhookAlerter(options, Tracker, _http, Clock, Logger, state);
        }

        public FakeTimeProvider Clock { get; } = new(Start);

        public FakeLogger<WebhookAlerter> Logger { get; } = new();

        /// <summary>Failed attempts so far (each logs the retry it waits for).</summary>
        public int Retries => Logged(11);

        /// <summary>Alerts a webhook refused with a 4xx and that were dropped, not retried.</summary>
        public int Refused => Logged(19);

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
                MaxRetryDelay = MaxRetryDelay,
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

        private int Logged(int eventId) => Logger.Collector.GetSnapshot().Count(r => r.Id.Id == eventId);
    }

    private static AnomalyPoint Point(string service, long t, double score = 0.95) =>
        new(1, $"rps{{service=\"{service}\"}}", service, t, 500, score, 90, 110, ["zscore"]);

    [Fact]
    public async Task One_alert_per_incident_and_none_lost_while_the_receiver_refuses_connections()
    {
        await using var rig = await Rig.StartAsync();
        var (receiver, tracker, alerter) = (rig.Receiver, rig.Tracker, rig.Alerter);

        var t = T;
        tracker.Add("default", Point("checkout", t), t);
        tracker.Add("default", Point("checkout", t + 60_000), t);   // same incident: no second alert
        await WaitFor(() => receiver.Received.Count == 1);

        await receiver.StopAsync();                                  // connections now refused
        tracker.Add("default", Point("payments", t + 120_000), t);
        tracker.Add("default", Point("search", t + 180_000), t);
        tracker.Add("default", Point("checkout", t + 3_600_000), t); // checkout's first incident resolved by quiet time: a new one
        await Wait.AdvancingUntilAsync(rig.Clock, MaxRetryDelay, () => rig.Retries >= 3, "three failed attempts");
        receiver.Received.Count.Should().Be(1);

        await receiver.StartAsync();
        await Wait.AdvancingUntilAsync(rig.Clock, MaxRetryDelay, () => alerter.DeliveryDelays.Count == 4, "the three held-back alerts to be delivered");
        // Delivery is in order and each alert is retried until acknowledged: once the last is, nothing is left to send.
        alerter.Pending.Should().Be(0);
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

        var t = T;
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

        var t = T;
        tracker.Add("default", Point("checkout", t), t);
        await WaitFor(() => rig.Refused == 1);                        // logged as refused: dropped, no retry waiting
        rig.Retries.Should().Be(0, "a 404 will not turn into a 200 by asking again");
        receiver.Received.Should().HaveCount(1);
        alerter.DeliveryDelays.Should().BeEmpty();

        receiver.Status = 503;
        tracker.Add("default", Point("payments", t), t);
        await Wait.AdvancingUntilAsync(rig.Clock, MaxRetryDelay, () => receiver.Received.Count >= 3, "payments' alert to be retried");
        receiver.Status = 200;
        await Wait.AdvancingUntilAsync(rig.Clock, MaxRetryDelay, () => alerter.DeliveryDelays.Count == 1, "payments' alert to be delivered");
        // The clock went through many retry delays meanwhile, and the refused checkout alert was never sent again.
        receiver.Received.Skip(1).Should().OnlyContain(r => r.GetProperty("service").GetString() == "payments");
    }

    [Fact]
    public async Task Incidents_in_backfilled_history_are_not_announced_and_a_live_one_is()
    {
        await using var rig = await Rig.StartAsync();
        var (receiver, tracker, alerter) = (rig.Receiver, rig.Tracker, rig.Alerter);

        var now = T;
        tracker.Add("default", Point("checkout", now - 86_400_000), now);   // a day-old anomaly found while backfilling
        tracker.Add("default", Point("payments", now - 60_000), now);       // a minute old: live
        await WaitFor(() => alerter.DeliveryDelays.Count == 1);
        // Alerts go out in the order their incidents opened: had the old one been queued, it would have been delivered first.
        alerter.Pending.Should().Be(0);
        receiver.Received.Should().ContainSingle().Which.GetProperty("service").GetString().Should().Be("payments");
        tracker.List("default").Should().HaveCount(2, "the old incident is still listed");
    }

    [Fact]
    public async Task An_incident_announced_before_a_restart_is_not_announced_again_when_it_grows_after_it()
    {
        var state = new MemoryStateStore();
        var t = T;
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
