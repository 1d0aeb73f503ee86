// Hand-written runtime of the MgBridge PowerShell shim (Modifiable; see README.md).
//
// One request over the subprocess helper's pipes, start to answer, in C#: this runs on every
// call, and from PowerShell each statement and .NET call costs 0.05-0.2 ms warm (more under
// load) and 5-40 ms the first time in a process (compile, binder rules), while a create's
// whole budget is a few milliseconds (docs/performance.md, warm call and first call).
namespace MgBridge
{
    using System;
    using System.Collections;
    using System.Management.Automation;

    /// <summary>Send one protocol message to a <see cref="HelperProcess"/> and wait for its answer.</summary>
    public static class HelperCall
    {
        /// <summary>Milliseconds between checks for Ctrl+C (Cmdlet.Stopping) while waiting.</summary>
        private const int Slice = 50;

        /// <summary>
        /// Send <paramref name="message"/> as request <paramref name="id"/> and return its answer,
        /// decoded (PSCustomObjects): the core's response, or an error response shaped like the
        /// core's (HelperExited when the helper's output ended, ProtocolError for a line that
        /// cannot be read). Events for the request (the device-code prompt) are written to the
        /// host as they come. Returns null when <paramref name="cmdlet"/> is stopped (Ctrl+C);
        /// the request is then cancelled (the helper answers it with OperationStopped at once
        /// and its late answer is dropped).
        /// </summary>
        /// <param name="state">The process-wide state (Get-BridgeSubprocessState); a helper found
        /// gone is removed from it.</param>
        /// <param name="helper">The helper to send to.</param>
        /// <param name="message">The message (op, args, debug); stamped with v and id here.</param>
        /// <param name="id">The request id (BridgeRequestId, unique in the process).</param>
        /// <param name="cmdlet">The calling command: for Ctrl+C and for the host lines.</param>
        public static object Call(IDictionary state, HelperProcess helper, IDictionary message, long id, PSCmdlet cmdlet)
        {
            return Call(state, helper, message, id, cmdlet, null);
        }

        /// <summary>
        /// As <see cref="Call(IDictionary, HelperProcess, IDictionary, long, PSCmdlet)"/>, running
        /// <paramref name="whileWaiting"/> (this thread's own work, such as loading format data)
        /// once the message is sent and before waiting for the answer: a call that goes to the
        /// network leaves this thread idle for tens of milliseconds.
        /// </summary>
        public static object Call(IDictionary state, HelperProcess helper, IDictionary message, long id, PSCmdlet cmdlet,
            ScriptBlock whileWaiting)
        {
            bool sent = false;
            bool answered = false;
            try
            {
                sent = Send(helper, message, id);
                if (sent && whileWaiting != null)
                {
                    whileWaiting.Invoke();
                }
                while (true)
                {
                    string text = sent ? Receive(helper, id, cmdlet) : null;
                    if (text == null)
                    {
                        if (cmdlet != null && cmdlet.Stopping)
                        {
                            return null;  // the finally block cancels the request
                        }
                        answered = true;
                        string description = helper.ExitDescription();
                        if (ReferenceEquals(state["Helper"], helper))
                        {
                            state["Helper"] = null;
                        }
                        helper.Dispose();
                        return BridgeResponse.Error(id, "HelperExited", "ResourceUnavailable", description +
                            " The call did not complete (if it was a create, Graph may or may not have received it)." +
                            " The next call starts a new helper and restores this session's settings and connection.");
                    }
                    object response;
                    try
                    {
                        response = BridgeJson.Decode(text);
                    }
                    catch (Exception e)
                    {
                        // A line we cannot read: report it against this call rather than hang.
                        answered = true;
                        return BridgeResponse.Error(id, "ProtocolError", "ProtocolError",
                            "MgBridge could not read the helper's answer: " + e.Message);
                    }
                    if (response is PSObject record && record.Properties["event"] is PSPropertyInfo kind)
                    {
                        if (kind.Value as string == "prompt" && cmdlet != null)
                        {
                            WriteHost(cmdlet, record.Properties["message"]?.Value as string);
                        }
                        continue;
                    }
                    answered = true;
                    return response;
                }
            }
            finally
            {
                helper.Forget(id);
                if (sent && !answered && ReferenceEquals(state["Helper"], helper))
                {
                    helper.Send("{\"v\":1,\"op\":\"cancel\",\"args\":{\"target\":" + id + "}}");
                }
            }
        }

        /// <summary>
        /// The hot path of a subprocess call: when the state's helper is up and none is being
        /// started, <see cref="Call(IDictionary, HelperProcess, IDictionary, long, PSCmdlet, ScriptBlock)"/>
        /// with the process's next request id; false when there is no such helper (the caller
        /// starts one: Send-BridgeSubprocessMessage).
        /// </summary>
        /// <param name="state">The process-wide state (Get-BridgeSubprocessState), or null.</param>
        /// <param name="message">The message (op, args, debug).</param>
        /// <param name="cmdlet">The calling command: for Ctrl+C and for the host lines.</param>
        /// <param name="whileWaiting">Work for this thread while the request is out, or null.</param>
        public static object TryCall(IDictionary state, IDictionary message, PSCmdlet cmdlet, ScriptBlock whileWaiting)
        {
            if (state == null || !(state["Helper"] is HelperProcess helper) || helper.HasExited ||
                (state["Starting"] is bool starting && starting))
            {
                return false;
            }
            return Call(state, helper, message, BridgeRequestId.Next(), cmdlet, whileWaiting);
        }

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

        /// <summary>What Write-Host does: an information record tagged PSHOST, which the host shows.</summary>
        internal static void WriteHost(Cmdlet cmdlet, string text)
        {
            cmdlet.WriteInformation(new HostInformationMessage { Message = text ?? "" }, new[] { "PSHOST" });
        }
    }
}
