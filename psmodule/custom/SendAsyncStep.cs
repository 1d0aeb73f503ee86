// Hand-written (Modifiable; see README.md): a type of the SDK's runtime namespace that the cmdlet's surface names
// (README.md says why it exists and never runs).
namespace Microsoft.Graph.PowerShell.Runtime
{
    using System.Net.Http;
    using System.Threading.Tasks;

    /// <summary>One step of the SDK's HTTP pipeline (a script block converts to it).</summary>
    public delegate Task<HttpResponseMessage> SendAsyncStep(HttpRequestMessage request, IEventListener callback, ISendAsync next);
}
