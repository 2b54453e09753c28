using System.Text.Json;

namespace Foresight.Server.Scaling;

/// <summary>
/// The workloads created through the API, kept in <c>workloads.json</c> in the data directory:
/// <c>{"format":1,"workloads":[{"tenant":"default","name":"checkout","series":"...",...}]}</c>,
/// each entry in the API's shape (<see cref="WorkloadJson"/>). The whole file is rewritten on
/// every change: written to a temporary file, flushed to disk, then renamed over the old one, so
/// a crash leaves either the old or the new file, never a torn one.
/// </summary>
internal sealed class WorkloadFile(string dataDirectory)
{
    /// <summary>Format written by this build.</summary>
    public const int Format = 1;

    public const string FileName = "workloads.json";

    private readonly Lock _lock = new();

    public string Path { get; } = System.IO.Path.Combine(dataDirectory, FileName);

    /// <summary>The stored workloads; empty when the file does not exist.</summary>
    /// <exception cref="InvalidDataException">The file is unreadable, of a newer format, or holds an invalid workload; the message says which.</exception>
    public IReadOnlyList<(string Tenant, WorkloadSpec Spec)> Load()
    {
        lock (_lock)
        {
            if (!File.Exists(Path)) return [];
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(File.ReadAllBytes(Path));
            }
            catch (JsonException ex)
            {
                throw new InvalidDataException($"{Path}: not valid JSON ({ex.Message}); fix or remove the file", ex);
            }
            using (document)
            {
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("format", out var format) || !format.TryGetInt32(out var version))
                {
                    throw new InvalidDataException($"{Path}: expected {{\"format\":{Format},\"workloads\":[...]}}");
                }
                if (version != Format) throw new InvalidDataException($"{Path} has format {version}; this build reads format {Format}");
                var result = new List<(string, WorkloadSpec)>();
                if (!root.TryGetProperty("workloads", out var list) || list.ValueKind != JsonValueKind.Array) return result;
                var i = 0;
                foreach (var entry in list.EnumerateArray())
                {
                    var tenant = entry.ValueKind == JsonValueKind.Object && entry.TryGetProperty("tenant", out var t) ? t.GetString() : null;
                    var name = entry.ValueKind == JsonValueKind.Object && entry.TryGetProperty("name", out var n) ? n.GetString() : null;
                    if (tenant is null || name is null) throw new InvalidDataException($"{Path}: workloads[{i}] has no tenant or name");
                    if (!WorkloadJson.TryRead(entry, name, out var spec, out var error, stored: true))
                    {
                        throw new InvalidDataException($"{Path}: workloads[{i}] ({name}): {error}");
                    }
                    result.Add((tenant, spec));
                    i++;
                }
                return result;
            }
        }
    }

    /// <summary>Replaces the file's content with <paramref name="workloads"/>, atomically.</summary>
    public void Save(IEnumerable<(string Tenant, WorkloadSpec Spec)> workloads)
    {
        lock (_lock)
        {
            var temporary = Path + ".tmp";
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
                {
                    writer.WriteStartObject();
                    writer.WriteNumber("format", Format);
                    writer.WriteStartArray("workloads");
                    foreach (var (tenant, spec) in workloads.OrderBy(w => w.Tenant, StringComparer.Ordinal).ThenBy(w => w.Spec.Name, StringComparer.Ordinal))
                    {
                        writer.WriteStartObject();
                        writer.WriteString("tenant", tenant);
                        writer.WriteString("name", spec.Name);
                        WorkloadJson.WriteProperties(writer, spec);
                        writer.WriteEndObject();
                    }
                    writer.WriteEndArray();
                    writer.WriteEndObject();
                }
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, Path, overwrite: true);
        }
    }
}
