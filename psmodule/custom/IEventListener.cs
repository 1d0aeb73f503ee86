// Hand-written (Modifiable; see README.md): a type of the SDK's runtime namespace that the cmdlet's surface names
// (README.md says why it exists and never runs).
namespace Microsoft.Graph.PowerShell.Runtime
{
    using System;
    using System.Threading;
    using System.Threading.Tasks;

    /// <summary>What a cmdlet gives each pipeline step: cancellation and event signalling.</summary>
    public interface IEventListener
    {
        Action Cancel { get; }

        CancellationToken Token { get; }

        Task Signal(string id, CancellationToken token, Func<EventArgs> createMessage);
    }
}
