// Hand-written (Modifiable; see README.md): a type of the SDK's runtime namespace that the cmdlet's surface names
// (README.md says why it exists and never runs).
namespace Microsoft.Graph.PowerShell.Runtime
{
    using System.Net.Http;
    using System.Threading.Tasks;

    /// <summary>The rest of an HTTP pipeline, as a step sees it.</summary>
    public interface ISendAsync
    {
        Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, IEventListener callback);
    }
}
