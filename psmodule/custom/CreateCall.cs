// Hand-written (Modifiable; see README.md): the hot path of one create, on either transport.
namespace MgBridge
{
    using System;
    using System.Collections;
    using System.Collections.Specialized;
    using System.Management.Automation;

    /// <summary>
    /// One New-MgApplicationSynchronizationJob pipeline item in one .NET call, when nothing
    /// about it needs PowerShell: the helper (or the in-process Python) is up and checked, the format data loaded, no
    /// -WhatIf/-Confirm/-Debug/-Verbose and no -ProxyUseDefaultCredentials.
    /// </summary>
    /// <remarks>
    /// Invoke-BridgeCommand's own statements cost a create 0.3-0.4 ms (each PowerShell
    /// statement 10-20 µs); this does the same steps in the same order (ShouldProcess, the
    /// 'invoke' message, the answer) and hands every other case back to PowerShell before
    /// anything is sent, so a create is never sent twice.
    /// </remarks>
    public static class CreateCall
    {
        /// <summary>
        /// Create one job, or say why PowerShell must: the job (an <see cref="IBridgeModel"/>)
        /// when the answer is a plain success; the decoded response when it has an error or
        /// warnings for PowerShell to report; false when there is nothing to output (ShouldProcess
        /// declined, or the pipeline is being stopped); null when this path does not apply
        /// (nothing was sent).
        /// </summary>
        /// <param name="cmdlet">The cmdlet (its ShouldProcess, Ctrl+C).</param>
        /// <param name="bound">Its bound parameters.</param>
        /// <param name="transport">The module's transport: 'subprocess' or 'pythonnet'.</param>
        /// <param name="state">The process's helper state (HelperLauncher.SharedState), for 'subprocess'.</param>
        /// <param name="ready">The transport's core is checked, the setting unchanged and the format data loaded.</param>
        /// <param name="preferences">$DebugPreference, $VerbosePreference, $WhatIfPreference, $ConfirmPreference as the cmdlet sees them.</param>
        public static object TryCreate(PSCmdlet cmdlet, IDictionary bound, string transport, IDictionary state, bool ready,
            params object[] preferences)
        {
            if (!ready || preferences == null || preferences.Length != 4 ||
                !Is(preferences[0], "SilentlyContinue") || !Is(preferences[1], "SilentlyContinue") ||
                LanguagePrimitives.IsTrue(preferences[2]) || Is(preferences[3], "Low") || Is(preferences[3], "Medium") ||
                LanguagePrimitives.IsTrue(bound["ProxyUseDefaultCredentials"]))
            {
                return null;
            }
            HelperProcess helper = null;
            IDictionary python = null;
            if (transport == "subprocess")
            {
                helper = state?["Helper"] as HelperProcess;
                if (helper == null || helper.HasExited || (state["Starting"] is bool starting && starting))
                {
                    return null;
                }
            }
            else if (transport != "pythonnet" || (python = PythonNetCall.ReadyState()) == null)
            {
                return null;
            }
            if (!cmdlet.ShouldProcess("synchronization job", "Create"))
            {
                return false;
            }
            var args = new OrderedDictionary { ["parameters"] = BridgeParameters.Forwarded(bound), ["whatIf"] = false };
            var message = new Hashtable { ["op"] = "invoke", ["args"] = args, ["debug"] = false };
            long id = BridgeRequestId.Next();
            object response = helper != null
                ? HelperCall.Call(state, helper, message, id, cmdlet)
                : PythonNetCall.Send(python, message, id, cmdlet);
            if (response is PSObject record && LanguagePrimitives.IsTrue(record.Properties["ok"]?.Value) &&
                Empty(record.Properties["warnings"]?.Value) && Empty(record.Properties["debug"]?.Value) &&
                record.Properties["result"]?.Value is PSObject result &&
                result.Properties["job"]?.Value is object job)
            {
                return job;  // as decoded: the PSObject carrying the SDK's type names
            }
            // A stop (Ctrl+C) has nothing to output; an error or warnings: PowerShell's path reports them.
            return response ?? (object)false;
        }

        private static bool Is(object preference, string name)
        {
            return string.Equals(preference?.ToString(), name, StringComparison.OrdinalIgnoreCase);
        }

        private static bool Empty(object list)
        {
            object value = list is PSObject wrapped ? wrapped.BaseObject : list;
            return value == null || (value is ICollection collection && collection.Count == 0);
        }
    }
}
