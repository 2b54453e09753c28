namespace Foresight.Tests.Support;

/// <summary>
/// Tests that load both cores (the M4 evaluations) and tests that time real external programs
/// (Prometheus) share this collection, so xunit never runs them at the same time.
/// </summary>
[CollectionDefinition("Heavy")]
public sealed class HeavyCollection;
