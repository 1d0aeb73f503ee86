// Hand-written (Modifiable; see README.md): the few types of the SDK's runtime
// namespace that the cmdlet's surface names, so parameter types match Microsoft's
// generated module exactly (-HttpPipelineAppend/-HttpPipelinePrepend are
// SendAsyncStep[]; ToJson takes a SerializationMode). Shapes follow AutoRest's
// runtime (Microsoft.Graph.PowerShell.Runtime); MgBridge's HTTP pipeline lives in
// the Python core, so nothing here ever runs a step.
namespace Microsoft.Graph.PowerShell.Runtime
{
    using System;
    using System.Net.Http;
    using System.Threading;
    using System.Threading.Tasks;

    /// <summary>What a cmdlet gives each pipeline step: cancellation and event signalling.</summary>
    public interface IEventListener
    {
        Action Cancel { get; }

        CancellationToken Token { get; }

        Task Signal(string id, CancellationToken token, Func<EventArgs> createMessage);
    }

    /// <summary>The rest of an HTTP pipeline, as a step sees it.</summary>
    public interface ISendAsync
    {
        Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, IEventListener callback);
    }

    /// <summary>One step of the SDK's HTTP pipeline (a script block converts to it).</summary>
    public delegate Task<HttpResponseMessage> SendAsyncStep(HttpRequestMessage request, IEventListener callback, ISendAsync next);

    /// <summary>Which properties a model's ToJson writes (AutoRest's flags).</summary>
    [Flags]
    public enum SerializationMode
    {
        None = 0,
        IncludeHeaders = 1 << 0,
        IncludeReadOnly = 1 << 1,
        IncludeAll = IncludeHeaders | IncludeReadOnly,
    }
}
