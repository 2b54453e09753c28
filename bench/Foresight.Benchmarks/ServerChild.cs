using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Foresight.Benchmarks;

/// <summary>
/// A <c>foresight serve</c> child process on loopback (a free port, the given data directory), its output appended
/// to a log file. <see cref="Kill"/> is SIGKILL (<see cref="Process.Kill()"/> on Linux); <see cref="StopAsync"/> is
/// SIGTERM, then SIGKILL after 30 s.
/// </summary>
internal sealed class ServerChild : IAsyncDisposable
{
    private readonly string _command;
    private readonly string _dataDirectory;
    private readonly string _log;
    private Process? _process;

    public ServerChild(string command, string dataDirectory, string log)
    {
        _command = command;
        _dataDirectory = dataDirectory;
        _log = log;
        Port = FreePort();
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}";

    public int Pid => _process?.Id ?? throw new InvalidOperationException("the server is not running");

    /// <summary>The Release <c>foresight</c> build of the repository this benchmark was built from, or null when it is not built.</summary>
    public static string? FindReleaseCli()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var dll = Path.Combine(dir.FullName, "src", "Foresight.Cli", "bin", "Release", "net10.0", "foresight.dll");
            if (File.Exists(dll)) return dll;
            if (Directory.Exists(Path.Combine(dir.FullName, "src", "Foresight.Cli"))) return null;
        }
        return null;
    }

    /// <summary>Starts the server (not waiting for it to be ready).</summary>
    public void Start()
    {
        var dll = _command.EndsWith(".dll", StringComparison.Ordinal);
        var info = new ProcessStartInfo(dll ? "dotnet" : _command)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (dll) info.ArgumentList.Add(_command);
        foreach (var a in new[] { "serve", "--data-dir", _dataDirectory, "--urls", Url }) info.ArgumentList.Add(a);
        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {_command}");
        var log = new StreamWriter(_log, append: true) { AutoFlush = true };
        var gate = new Lock();
        void Write(string? line)
        {
            if (line is null) return;
            lock (gate) log.WriteLine(line);
        }
        process.OutputDataReceived += (_, e) => Write(e.Data);
        process.ErrorDataReceived += (_, e) => Write(e.Data);
        process.Exited += (_, _) => { lock (gate) log.Dispose(); };
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
    }

    /// <summary>Polls <c>/readyz</c> until it answers 200; false when the process exited or <paramref name="timeout"/> passed.</summary>
    public async Task<bool> WaitReadyAsync(HttpClient http, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (_process is null || _process.HasExited) return false;
            try
            {
                using var response = await http.GetAsync($"{Url}/readyz", cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK) return true;
            }
            catch (HttpRequestException) { }
            await Task.Delay(50, cancellationToken);
        }
        return false;
    }

    /// <summary>SIGKILL, and waits for the process to be gone.</summary>
    public async Task KillAsync()
    {
        if (_process is null) return;
        _process.Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
        _process = null;
    }

    /// <summary>SIGTERM, then SIGKILL if the server has not stopped after 30 s.</summary>
    public async Task StopAsync()
    {
        if (_process is null) return;
        using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString()])) await term.WaitForExitAsync();
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await _process.WaitForExitAsync(wait.Token);
            _process.Dispose();
            _process = null;
        }
        catch (OperationCanceledException)
        {
            await KillAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false }) await KillAsync();
        _process?.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
