namespace Foresight.Server;

/// <summary>Settings of the HTTP server.</summary>
public sealed class ForesightServerOptions
{
    /// <summary>Data directory of the embedded store.</summary>
    public string DataDirectory { get; set; } = "./foresight-data";
}
