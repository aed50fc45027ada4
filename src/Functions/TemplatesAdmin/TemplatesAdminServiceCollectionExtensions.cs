using Crm.Integration.Connectors;
using Crm.Integration.Functions.DeadLetters;
using Crm.Integration.Functions.Deliveries;
using Crm.Integration.Functions.Operations;
using Crm.Integration.Functions.Summaries;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace Crm.Integration.Functions.TemplatesAdmin;

internal static class TemplatesAdminServiceCollectionExtensions
{
    public const string PagePath = "/admin";

    /// <summary>Bearer authentication against the configured issuer, the admin policies, and the template editor.</summary>
    public static IServiceCollection AddTemplatesAdmin(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<AdminApiOptions, AdminApiOptionsValidator>(configuration.GetSection(AdminApiOptions.SectionName));

        // A scheme of its own, named by the policies. ASP.NET makes a lone scheme the default, so it also sees other
        // routes' requests: the log-stream webhook's Authorization header is its own token and must not be judged as a JWT.
        services.AddAuthentication().AddJwtBearer(AdminPolicies.Scheme, jwt => jwt.Events = new JwtBearerEvents
        {
            OnMessageReceived = context =>
            {
                if (!context.Request.Path.StartsWithSegments("/api/admin"))
                {
                    context.NoResult();
                }

                return Task.CompletedTask;
            },
        });
        services.AddOptions<JwtBearerOptions>(AdminPolicies.Scheme).Configure<IOptions<AdminApiOptions>>((jwt, admin) =>
        {
            var options = admin.Value;
            jwt.Authority = options.Authority;
            jwt.Audience = options.Audience;
            jwt.RequireHttpsMetadata = options.RequireHttpsMetadata;
            jwt.MapInboundClaims = false; // keep "sub", "permissions", "roles" as the issuer wrote them
            jwt.TokenValidationParameters.NameClaimType = "sub";
        });
        services.AddOptions<AuthorizationOptions>().Configure<IOptions<AdminApiOptions>>((authorization, admin) =>
        {
            authorization.AddPolicy(AdminPolicies.SignedIn, policy => policy.AddAuthenticationSchemes(AdminPolicies.Scheme).RequireAuthenticatedUser());
            authorization.AddPolicy(AdminPolicies.Read, policy => policy.AddAuthenticationSchemes(AdminPolicies.Scheme).RequireAuthenticatedUser()
                .RequireAssertion(context => AdminIdentity.From(context.User, admin.Value.PermissionClaims).CanRead(admin.Value)));
            authorization.AddPolicy(AdminPolicies.Write, policy => policy.AddAuthenticationSchemes(AdminPolicies.Scheme).RequireAuthenticatedUser()
                .RequireAssertion(context => AdminIdentity.From(context.User, admin.Value.PermissionClaims).CanWrite(admin.Value)));
            authorization.AddPolicy(AdminPolicies.Operate, policy => policy.AddAuthenticationSchemes(AdminPolicies.Scheme).RequireAuthenticatedUser()
                .RequireAssertion(context => AdminIdentity.From(context.User, admin.Value.PermissionClaims).CanOperate(admin.Value)));
        });
        services.AddAuthorization();
        services.AddSingleton<TemplateEditor>();
        return services;
    }

    /// <summary>
    /// The admin API and page when an issuer is configured; nothing at all otherwise. Answers under <c>/api/admin</c>
    /// without a body (401, 403, 404, 405) get a problem-details body.
    /// </summary>
    public static WebApplication UseTemplatesAdmin(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<IOptions<AdminApiOptions>>().Value.Enabled)
        {
            Log.AdminApiOff(app.Logger);
            return app;
        }

        app.UseWhen(http => http.Request.Path.StartsWithSegments("/api/admin"), admin => admin.UseStatusCodePages());
        app.UseWhen(http => http.Request.Path.StartsWithSegments(PagePath), page => page.Use(async (http, next) =>
        {
            // Everything the page uses comes from this host: no inline script, no CDN, no framing.
            http.Response.Headers.ContentSecurityPolicy = "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
            http.Response.Headers.XContentTypeOptions = "nosniff";
            http.Response.Headers.CacheControl = "no-cache";
            await next(http).ConfigureAwait(false);
        }));
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapTemplatesAdminApi();
        app.MapOperationsApi();
        app.MapDeliveryApi();
        app.MapSummariesApi();
        app.MapDeadLettersApi();
        return app;
    }
}
