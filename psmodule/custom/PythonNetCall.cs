// Hand-written runtime of the MgBridge PowerShell shim (Modifiable; see README.md).
//
// One request through the pythonnet transport's in-process host (bridge/protocol/_host.py),
// start to answer, in C#: begin, then step in short slices until the answer, cancel when the
// caller stopped first. From PowerShell each host call was a function and five .NET calls
// (~0.15-0.3 ms warm); here they are reflection calls on types cached once, because
// Python.Runtime.dll lives in a load context of its own, loaded at the first pythonnet call
// (Initialize-BridgePythonNet), and this assembly cannot reference it at compile time.
//
namespace MgBridge
{
    using System;
    using System.Collections;
    using System.Management.Automation;
    using System.Reflection;
    using System.Runtime.ExceptionServices;

    /// <summary>
    /// One request through the in-process Python host: <see cref="Send"/> for a message
    /// (Send-BridgePythonNetMessage, CreateCall's pythonnet path), <see cref="Call"/> for JSON
    /// text (Invoke-BridgePythonNet).
    /// </summary>
    public static class PythonNetCall
    {
        /// <summary>The AppDomain data slot of the process's pythonnet state (Get-BridgePythonNetState).</summary>
        public const string StateName = "MgBridge.PythonNet.State";

        /// <summary>The process's pythonnet state when Python runs and the host is loaded; else null.</summary>
        public static IDictionary ReadyState()
        {
            return AppDomain.CurrentDomain.GetData(StateName) is IDictionary state &&
                state["Initialized"] is bool initialized && initialized && state["Host"] != null ? state : null;
        }

        /// <summary>
        /// Sends <paramref name="message"/> (op, args, debug; 'v' and 'id' are set here) through
        /// the host in <paramref name="state"/> and returns the decoded answer, as the subprocess
        /// transport's HelperCall.Call does: device-code prompts are shown as they come (what
        /// Write-Host does), an answer that cannot be read is a ProtocolError response, and
        /// null means <paramref name="cmdlet"/>'s pipeline was stopped first.
        /// </summary>
        public static object Send(IDictionary state, IDictionary message, long id, Cmdlet cmdlet)
        {
            message["v"] = 1;
            message["id"] = id;
            string answer = Run(state, BridgeJson.Encode(message), cmdlet, text =>
            {
                if (cmdlet != null && BridgeJson.Decode(text) is PSObject e && e.Properties["event"]?.Value as string == "prompt")
                {
                    HelperCall.WriteHost(cmdlet, e.Properties["message"]?.Value as string);
                }
            });
            if (answer == null)
            {
                return null;
            }
            try
            {
                return BridgeJson.Decode(answer);
            }
            catch (Exception e)
            {
                return BridgeResponse.Error(id, "ProtocolError", "ProtocolError",
                    "MgBridge could not read the in-process core's answer: " + e.Message);
            }
        }

        /// <summary>
        /// Sends <paramref name="json"/> (one protocol message) through the host in
        /// <paramref name="state"/> (Get-BridgePythonNetState, initialized) and returns the
        /// answer's JSON. Each event the call sends meanwhile (such as the device-code prompt) goes
        /// to <paramref name="onEvent"/> as its JSON text. Returns null when
        /// <paramref name="cmdlet"/>'s pipeline was stopped first (Ctrl+C): the request is
        /// cancelled, its late answer dropped. A failure of the host itself is an answer too:
        /// ok false, errorId InternalError.
        /// </summary>
        public static string Call(IDictionary state, string json, Cmdlet cmdlet, ScriptBlock onEvent)
        {
            return Run(state, json, cmdlet, onEvent == null ? null : (Action<string>)(text => onEvent.Invoke(text)));
        }

        /// <summary>The same as <see cref="Call"/>, with a .NET event handler.</summary>
        public static string Run(IDictionary state, string json, Cmdlet cmdlet, Action<string> onEvent)
        {
            // The caller picks the ticket before 'begin', so a stop as 'begin' returns can still cancel it.
            string ticket = Guid.NewGuid().ToString("N");
            bool over = false;
            try
            {
                HostFunctions host = HostFunctions.Of(state);
                string reply = host.Invoke("begin", ticket + "|" + json);
                while (true)
                {
                    char kind = reply.Length > 0 ? reply[0] : 'W';
                    if (kind == 'R')
                    {
                        over = true;
                        return reply.Substring(1);
                    }
                    if (kind == 'E' && onEvent != null)
                    {
                        onEvent(reply.Substring(1));
                    }
                    if (cmdlet != null && cmdlet.Stopping)
                    {
                        return null;  // the finally block cancels the request
                    }
                    reply = host.Invoke("step", ticket);
                }
            }
            catch (PipelineStoppedException)
            {
                throw;
            }
            catch (Exception e)
            {
                return InternalError(json, e.GetBaseException());
            }
            finally
            {
                if (!over)
                {
                    try
                    {
                        HostFunctions.Of(state).Invoke("cancel", ticket);
                    }
                    catch (Exception)
                    {
                        // Nothing more to do: the host itself failed.
                    }
                }
            }
        }

        /// <summary>
        /// One host function by name (such as 'running' or 'summary'), with the GIL held: a
        /// str in, a str out. For diagnostics and tests; requests go through <see cref="Run"/>.
        /// </summary>
        public static string Invoke(IDictionary state, string name, string argument)
        {
            return HostFunctions.Of(state).Invoke(name, argument);
        }

        // The host itself failed: an answer in the core's error shape, with the request's id
        // when the message can be read.
        private static string InternalError(string json, Exception exception)
        {
            object id = null;
            try
            {
                id = (BridgeJson.Decode(json) as PSObject)?.Properties["id"]?.Value;
            }
            catch (Exception)
            {
                id = null;  // not JSON at all: the answer has no id to echo
            }
            return BridgeJson.Encode(BridgeResponse.Error(id, "InternalError", "NotSpecified",
                "Internal error in the pythonnet transport: " + exception.Message, exception.GetType().Name));
        }

        /// <summary>The host's functions and the Python.Runtime members that call them, found once.</summary>
        private sealed class HostFunctions
        {
            private static HostFunctions _cached;

            private readonly IDictionary _functions;
            private readonly MethodInfo _gil;
            private readonly ConstructorInfo _newString;
            private readonly MethodInfo _invoke;
            private readonly Type _pyObject;

            private HostFunctions(IDictionary state)
            {
                _functions = (IDictionary)state["Host"];
                var py = (Type)state["Py"];
                var pyString = (Type)state["PyString"];
                Type pyObject = _pyObject = py.Assembly.GetType("Python.Runtime.PyObject", true);
                _gil = py.GetMethod("GIL", Type.EmptyTypes);
                _newString = pyString.GetConstructor(new[] { typeof(string) });
                _invoke = pyObject.GetMethod("Invoke", new[] { pyObject.MakeArrayType() });
                if (_functions == null || _gil == null || _newString == null || _invoke == null)
                {
                    throw new InvalidOperationException("the pythonnet state has no host functions (Initialize-BridgePythonNet)");
                }
                State = state;
            }

            private IDictionary State { get; }

            public static HostFunctions Of(IDictionary state)
            {
                HostFunctions host = _cached;
                if (host == null || !ReferenceEquals(host.State, state) || !ReferenceEquals(host._functions, state["Host"]))
                {
                    host = _cached = new HostFunctions(state);
                }
                return host;
            }

            /// <summary>One host function call with the GIL held: a str in, a str out.</summary>
            public string Invoke(string name, string argument)
            {
                object function = _functions[name];
                try
                {
                    using ((IDisposable)_gil.Invoke(null, null))
                    using (var arg = (IDisposable)_newString.Invoke(new object[] { argument }))
                    {
                        Array args = Array.CreateInstance(_pyObject, 1);
                        args.SetValue(arg, 0);
                        using (var result = (IDisposable)_invoke.Invoke(function, new object[] { args }))
                        {
                            return result.ToString();
                        }
                    }
                }
                catch (TargetInvocationException e) when (e.InnerException != null)
                {
                    ExceptionDispatchInfo.Capture(e.InnerException).Throw();
                    throw;  // not reached
                }
            }
        }
    }
}
