// Hand-written runtime of the MgBridge PowerShell shim (Modifiable; see README.md).
namespace MgBridge
{
    using System;
    using System.Collections;
    using System.Collections.Generic;
    using System.Collections.Specialized;
    using System.Management.Automation;

    /// <summary>Which of a command's bound parameters go to the core.</summary>
    public static class BridgeParameters
    {
        // PowerShell's common parameters (-Verbose, -ErrorAction, ...) and -WhatIf/-Confirm are
        // PowerShell's business; -Break is the begin block's (Wait-BridgeDebugger).
        private static readonly HashSet<string> Kept = new HashSet<string>(
            new List<string>(PSCmdlet.CommonParameters) { "Break" }, StringComparer.OrdinalIgnoreCase);

        static BridgeParameters()
        {
            Kept.UnionWith(PSCmdlet.OptionalCommonParameters);
        }

        /// <summary>
        /// The bound parameters, in their order, without the common parameters, -WhatIf,
        /// -Confirm and -Break: what the core binds (the runtime parameters -Proxy,
        /// -ProxyCredential, ... included, as options the core reads).
        /// </summary>
        /// <param name="bound">$PSBoundParameters of the command.</param>
        public static OrderedDictionary Forwarded(IDictionary bound)
        {
            var forwarded = new OrderedDictionary();
            foreach (DictionaryEntry entry in bound)
            {
                if (entry.Key is string name && !Kept.Contains(name))
                {
                    forwarded[name] = entry.Value;
                }
            }
            return forwarded;
        }
    }
}
