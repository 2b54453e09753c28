using Microsoft.AspNetCore.Routing;

namespace Foresight.Server.Api;

public static partial class IngestApi
{
    static partial void MapProtocols(IEndpointRouteBuilder app);
}
