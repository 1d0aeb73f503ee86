// Hand-written runtime of the MgBridge PowerShell shim (Modifiable; see README.md).
//
// One request over the subprocess helper's pipes, the steps of Send-BridgeSubprocessMessage
// that run on every call, in C#: each .NET call and statement made from PowerShell costs
// it 0.05-0.2 ms (more under load), and a create's whole budget is a few milliseconds
// (docs/performance.md, warm call).
namespace MgBridge
{
    using System.Collections;
    using System.Management.Automation;

    /// <summary>Send one protocol message to a <see cref="HelperProcess"/> and wait for its lines.</summary>
    public static class HelperCall
    {
        /// <summary>Milliseconds between checks for Ctrl+C (Cmdlet.Stopping) while waiting.</summary>
        private const int Slice = 50;

        /// <summary>
        /// Stamp <paramref name="message"/> with the protocol version and request id, route the
        /// id's lines to the caller, and write the message; false when the helper is gone.
        /// </summary>
        public static bool Send(HelperProcess helper, IDictionary message, long id)
        {
            message["v"] = 1;
            message["id"] = id;
            string line = BridgeJson.Encode(message);
            helper.Expect(id);
            return helper.Send(line);
        }

        /// <summary>
        /// The next line for request <paramref name="id"/> (an event or the answer), or null
        /// when no line can come any more (the helper's output ended) or when
        /// <paramref name="cmdlet"/> is being stopped (Ctrl+C); waits in short slices so a
        /// stop is seen at once.
        /// </summary>
        public static string Receive(HelperProcess helper, long id, Cmdlet cmdlet)
        {
            while (true)
            {
                string line = helper.Receive(id, Slice);
                if (line != null || helper.Ended(id) || (cmdlet != null && cmdlet.Stopping))
                {
                    return line;
                }
            }
        }
    }
}
