using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Foresight.Tests.Support;

/// <summary>
/// The real <c>foresight serve</c> in a child process (the CLI assembly built next to the tests),
/// for tests that must kill it the hard way.
/// </summary>
public sealed class ServerProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringWriter _output = new();

    private ServerProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public string Output
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static async Task<ServerProcess> StartAsync(string dataDirectory, params string[] extraArgs)
    {
        var port = FreePort();
        var cli = Path.Combine(AppContext.BaseDirectory, "foresight.dll");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { cli, "serve", "--data-dir", dataDirectory, "--urls", $"http://127.0.0.1:{port}" }.Concat(extraArgs)) info.ArgumentList.Add(a);
        var process = Process.Start(info)!;
        var server = new ServerProcess(process, new Uri($"http://127.0.0.1:{port}"));
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        try
        {
            await Wait.UntilAsync(async () =>
            {
                if (process.HasExited) throw new InvalidOperationException($"foresight serve exited with {process.ExitCode}: {server.Output}");
                try
                {
                    using var ready = await http.GetAsync("/readyz");
                    return ready.IsSuccessStatusCode;
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    return false;
                }
            }, "foresight serve to answer /readyz", TimeSpan.FromSeconds(60));
            return server;
        }
        catch (TimeoutException)
        {
            server.Dispose();
            throw new TimeoutException($"foresight serve did not become ready: {server.Output}");
        }
    }

    /// <summary>SIGKILL: no shutdown hooks, no final checkpoint.</summary>
    public void KillHard()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited) KillHard();
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.WriteLine(line);
    }
}
