using System.Globalization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.OpenApi;

namespace Tracking.Infrastructure;

/// <summary>
/// The OpenAPI document, generated from the endpoints and served as YAML at <see cref="Route"/> (public: it holds no
/// secrets). openapi.yaml at the repository root is a copy that a test keeps equal to it.
/// </summary>
internal static class OpenApiSetup
{
    public const string Route = "/openapi.yaml";

    private const string OpsScheme = "opsKey";

    private const string Description = """
        Headless attribution tracking: sessions with first/last touch, journey events, durable delivery to
        Meta Conversions API and PostHog. Every error is an RFC 9457 problem+json naming the offending field
        (`errors` map for validation, `field` otherwise). JSON bodies are read whatever their Content-Type: the
        browser snippet posts text/plain, which needs no CORS preflight.
        """;

    // One meaning per status across the API; an endpoint's own WithDescription tells any special case.
    private static readonly Dictionary<string, string> ProblemDescriptions = new(StringComparer.Ordinal)
    {
        ["400"] = "Invalid input: `errors` maps each bad field to messages (`field` names it otherwise).",
        ["401"] = "Missing or wrong ops key.",
        ["403"] = "`Origin` (or `Referer`) outside Tracking__AllowedOrigins; on /events also a server-only event (Purchase, InitiateCheckout).",
        ["404"] = "Unknown or expired session.",
        ["409"] = "The session's event cap (Tracking__MaxEventsPerSession) would be passed (`field`: events); nothing was recorded.",
        ["413"] = "The body exceeds 64 KB.",
        ["429"] = "Rate limited per client (IPv4 address or IPv6 /64), or locked out after wrong ops keys; `limit` names the limit; retry after `Retry-After` seconds.",
        ["502"] = "Stripe refused or is unreachable; nothing was recorded.",
        ["503"] = "The store (Redis) is unavailable, near its maxmemory (browser writes paused), or has more requests waiting than it takes in (Storage/GroupCommit); nothing was recorded. Retry after `Retry-After` seconds (an endpoint's own description names any other 503).",
    };

    public static IServiceCollection AddOpenApiDocument(this IServiceCollection services)
    {
        // The generator describes types with the HTTP JSON options, but bodies are read with each capability's own
        // source-generated options (JsonBody). Give the HTTP options the same reading rules so the schemas say what
        // is accepted: numbers as numbers only, unknown fields refused. Neither setting changes how responses are written.
        services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict;
            json.SerializerOptions.UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow;
        });
        return services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo { Title = "Tracking", Version = "1.0.0", Description = Description };
                // Left out: the generator would name the host of whoever asked.
                document.Servers = [];
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>(StringComparer.Ordinal)
                {
                    [OpsScheme] = new OpenApiSecurityScheme
                    {
                        Type = SecuritySchemeType.Http,
                        Scheme = "bearer",
                        Description = "`Authorization: Bearer {Ops__ApiKey}`.",
                    },
                };
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                var ops = context.Description.ActionDescriptor.EndpointMetadata.OfType<OpsKeyRequired>().Any();
                if (ops)
                {
                    operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(OpsScheme, context.Document)] = [] }];
                }
                // By status, whatever order endpoint and group conventions added them in.
                var responses = (operation.Responses ?? []).OrderBy(r => r.Key, StringComparer.Ordinal).ToList();
                operation.Responses?.Clear();
                foreach (var (status, response) in responses)
                {
                    operation.Responses!.Add(status, response);
                    if (response is OpenApiResponse concrete && ProblemDescriptions.TryGetValue(status, out var description))
                    {
                        concrete.Description = ops && status == "404" ? "Ops endpoints disabled (no Ops__ApiKey)." : description;
                        if (status is "429" or "503")
                        {
                            concrete.Headers = new Dictionary<string, IOpenApiHeader>(StringComparer.Ordinal)
                            {
                                ["Retry-After"] = new OpenApiHeader { Schema = new OpenApiSchema { Type = JsonSchemaType.Integer } },
                            };
                        }
                    }
                }
                return Task.CompletedTask;
            });
            options.AddSchemaTransformer((schema, context, _) =>
            {
                // Problems carry extensions (`field`, `traceId`): not closed like the records are.
                if (context.JsonTypeInfo.Type == typeof(ProblemDetails) || context.JsonTypeInfo.Type == typeof(HttpValidationProblemDetails))
                {
                    schema.AdditionalPropertiesAllowed = true;
                    schema.Properties ??= new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal);
                    schema.Properties["field"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The offending input (header, query parameter or body field)." };
                    schema.Properties["limit"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The limit that was exceeded (429)." };
                }
                return Task.CompletedTask;
            });
        });
    }

    public static IEndpointRouteBuilder MapOpenApiDocument(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi(Route).ExcludeFromDescription();
        return app;
    }

    /// <summary>Documents a required request header the handler reads itself.</summary>
    public static TBuilder WithRequiredHeader<TBuilder>(this TBuilder builder, string name, string description)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = name,
                In = ParameterLocation.Header,
                Required = true,
                Description = description,
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            });
            return Task.CompletedTask;
        });

    /// <summary>Documents the only values a string query parameter takes: the wire names of an enum the handler parses.</summary>
    public static RouteHandlerBuilder WithQueryChoices<TEnum>(this RouteHandlerBuilder builder, string name)
        where TEnum : struct, Enum =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            if (operation.Parameters?.FirstOrDefault(p => p.Name == name) is OpenApiParameter { Schema: OpenApiSchema schema })
            {
                schema.Enum = [.. WireName<TEnum>.All.Select(v => (System.Text.Json.Nodes.JsonNode)System.Text.Json.Nodes.JsonValue.Create(v))];
            }
            return Task.CompletedTask;
        });

    /// <summary>Documents a text alternative of a response (CSV on <c>Accept: text/csv</c>), which typed results cannot express.</summary>
    public static TBuilder ProducesTextToo<TBuilder>(this TBuilder builder, int status, string contentType)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            if (operation.Responses?.GetValueOrDefault(status.ToString(CultureInfo.InvariantCulture)) is OpenApiResponse response)
            {
                response.Content ??= new Dictionary<string, OpenApiMediaType>(StringComparer.Ordinal);
                response.Content[contentType] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String } };
            }
            return Task.CompletedTask;
        });

    /// <summary>
    /// Documents the JSON body a handler reads itself (<see cref="JsonBody"/>), as <c>application/json</c> and any
    /// <paramref name="alsoAs"/>. Not <c>Accepts&lt;T&gt;(contentType)</c>: routing matches on its content types and
    /// would answer 415 to any other Content-Type, and these endpoints take any. Metadata without content types
    /// gives the generator the body type and leaves routing alone.
    /// </summary>
    public static RouteHandlerBuilder WithJsonBody<TBody>(this RouteHandlerBuilder builder, bool required = true, params string[] alsoAs)
    {
        builder.WithMetadata(new JsonBodyMetadata(typeof(TBody), !required));
        if (alsoAs.Length > 0)
        {
            builder.AddOpenApiOperationTransformer((operation, _, _) =>
            {
                if (operation.RequestBody?.Content is { } content && content.TryGetValue("application/json", out var json))
                {
                    foreach (var type in alsoAs)
                    {
                        content[type] = new OpenApiMediaType { Schema = json.Schema };
                    }
                }
                return Task.CompletedTask;
            });
        }
        return builder;
    }

    private sealed class JsonBodyMetadata(Type type, bool optional) : IAcceptsMetadata
    {
        public IReadOnlyList<string> ContentTypes => [];

        public Type? RequestType => type;

        public bool IsOptional => optional;
    }
}
