using System.Net;
using System.Net.Sockets;

namespace Crm.Integration.Testing;

public static class FreePorts
{
    /// <summary>A loopback port nothing listens on now: the system's choice, so parallel tests do not meet.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
