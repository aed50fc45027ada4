using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Crm.Integration.Testing;

namespace Crm.Integration.Connectors.Tests.Storage;

/// <summary>
/// Azurite's table service as Azure reaches it: over HTTPS with a certificate made here, and with <c>--oauth basic</c>,
/// so that it takes bearer tokens (it checks their lifetime, issuer and audience; it does not verify signatures). A
/// process of its own on a free port, in memory, stopped with the test class.
/// </summary>
public sealed class OAuthAzurite : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("crm-azurite-oauth-").FullName;
    private Process? _process;

    public X509Certificate2 Certificate { get; } = SelfSigned();

    public int Port { get; } = FreePorts.Next();

    /// <summary>The table endpoint of Azurite's development account, path style as Azurite serves it.</summary>
    public Uri TableEndpoint => new($"https://127.0.0.1:{Port}/devstoreaccount1");

    public async Task InitializeAsync()
    {
        var certificate = Path.Combine(_folder, "cert.pem");
        var key = Path.Combine(_folder, "key.pem");
        await File.WriteAllTextAsync(certificate, Certificate.ExportCertificatePem());
        using (var rsa = Certificate.GetRSAPrivateKey()!)
        {
            await File.WriteAllTextAsync(key, rsa.ExportPkcs8PrivateKeyPem());
        }

        var start = new ProcessStartInfo(Path.Combine(RepositoryPaths.Root, "node_modules", ".bin", "azurite-table"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[]
                 {
                     "--tableHost", "127.0.0.1", "--tablePort", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "--oauth", "basic", "--cert", certificate, "--key", key,
                     "--inMemoryPersistence", "--skipApiVersionCheck", "--disableTelemetry", "--silent",
                 })
        {
            start.ArgumentList.Add(argument);
        }

        if (!File.Exists(start.FileName))
        {
            throw new InvalidOperationException($"Azurite is not installed ({start.FileName}): run npm ci at the repository root.");
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("Azurite did not start.");
        _ = _process.StandardOutput.ReadToEndAsync();
        _ = _process.StandardError.ReadToEndAsync();
        var deadline = TimeProvider.System.GetTimestamp();
        while (TimeProvider.System.GetElapsedTime(deadline) < TimeSpan.FromSeconds(30))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"Azurite exited with {_process.ExitCode}.");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(200);
            }
        }

        throw new TimeoutException($"Azurite did not listen on {Port} within 30 s.");
    }

    public async Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        Certificate.Dispose();
        Directory.Delete(_folder, recursive: true);
    }


    private static X509Certificate2 SelfSigned()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(TimeProvider.System.GetUtcNow().AddDays(-1), TimeProvider.System.GetUtcNow().AddDays(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }
}
