// Hand-written (Modifiable; see README.md): request ids unique in the process (both transports).
namespace MgBridge
{
    using System.Threading;

    /// <summary>Process-wide request ids: atomic increments of a counter kept in AppDomain data.</summary>
    /// <remarks>
    /// The counter is a one-element array stored in AppDomain data (not a static field here),
    /// so every module instance of the process shares it even when two builds of this
    /// assembly are loaded (Import-Module after an edit).
    /// </remarks>
    public static class BridgeRequestId
    {
        public static long Next(long[] counter)
        {
            return Interlocked.Increment(ref counter[0]);
        }
    }
}
