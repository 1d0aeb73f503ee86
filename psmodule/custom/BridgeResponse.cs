// Hand-written runtime of the MgBridge PowerShell shim (Modifiable; see README.md).
namespace MgBridge
{
    using System.Management.Automation;

    /// <summary>Responses made on the PowerShell side of the pipe, shaped like the core's.</summary>
    public static class BridgeResponse
    {
        /// <summary>
        /// A failed response (ok false, empty streams) with the error table's
        /// <paramref name="errorId"/> and <paramref name="category"/>, as the core's responses
        /// decode (BridgeJson.Decode): each command turns it into its ErrorRecord.
        /// <paramref name="type"/> is the failure's type name, the errorId when not given.
        /// </summary>
        public static PSObject Error(object id, string errorId, string category, string message, string type = null)
        {
            var error = new PSObject();
            error.Properties.Add(new PSNoteProperty("type", type ?? errorId));
            error.Properties.Add(new PSNoteProperty("errorId", errorId));
            error.Properties.Add(new PSNoteProperty("category", category));
            error.Properties.Add(new PSNoteProperty("message", message));
            var response = new PSObject();
            response.Properties.Add(new PSNoteProperty("v", 1));
            response.Properties.Add(new PSNoteProperty("id", id));
            response.Properties.Add(new PSNoteProperty("ok", false));
            foreach (string stream in new[] { "warnings", "verbose", "debug", "messages" })
            {
                response.Properties.Add(new PSNoteProperty(stream, new object[0]));
            }
            response.Properties.Add(new PSNoteProperty("error", error));
            return response;
        }
    }
}
