// Hand-written runtime of the MgBridge PowerShell shim (Modifiable; see README.md).
namespace MgBridge
{
    using System.Collections;
    using System.Collections.Generic;
    using System.Management.Automation;

    /// <summary>
    /// The journal of state-changing calls, replayed on a new helper after the old one died
    /// (Restore-BridgeSession). It is process-wide, like the helper (the state's "Journal"): a
    /// call in any runspace is replayed for everyone.
    /// </summary>
    public static class BridgeJournal
    {
        /// <summary>
        /// Remember a successful state-changing call: only the latest sign-in is kept ('connect'
        /// replaces it, 'disconnect' forgets it and is not itself kept); environment,
        /// request-context and profile calls are kept in order. Entries have Op, Args and
        /// Interactive (a device-code sign-in, which cannot be replayed without the user).
        /// </summary>
        /// <param name="state">The process-wide state (Get-BridgeSubprocessState).</param>
        /// <param name="op">The protocol op.</param>
        /// <param name="arguments">Its args, as sent (secrets stay SecureStrings here).</param>
        /// <param name="interactive">True for a sign-in that needed the user.</param>
        public static void Add(IDictionary state, string op, IDictionary arguments, bool interactive)
        {
            var journal = (List<object>)state["Journal"];
            lock (journal)
            {
                if (op == "connect" || op == "disconnect")
                {
                    journal.RemoveAll(entry => ((PSObject)entry).Properties["Op"].Value as string == "connect");
                    if (op == "disconnect")
                    {
                        return;
                    }
                }
                var record = new PSObject();
                record.Properties.Add(new PSNoteProperty("Op", op));
                record.Properties.Add(new PSNoteProperty("Args", arguments));
                record.Properties.Add(new PSNoteProperty("Interactive", interactive));
                journal.Add(record);
            }
        }

        /// <summary>A copy of the entries, oldest first, taken under the journal's lock.</summary>
        public static object[] Entries(IDictionary state)
        {
            var journal = (List<object>)state["Journal"];
            lock (journal)
            {
                return journal.ToArray();
            }
        }
    }
}
