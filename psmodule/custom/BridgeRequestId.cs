// Hand-written (Modifiable; see README.md): request ids unique in the process (both transports).
namespace MgBridge
{
    using System;
    using System.Threading;

    /// <summary>Process-wide request ids: atomic increments of a counter kept in AppDomain data.</summary>
    /// <remarks>
    /// The counter is a one-element array stored in AppDomain data (not a static field here),
    /// so every module instance of the process shares it even when two builds of this
    /// assembly are loaded (Import-Module after an edit).
    /// </remarks>
    public static class BridgeRequestId
    {
        private const string CounterName = "MgBridge.RequestCounter";

        /// <summary>The next id of the process (unique whichever runspace or transport asks).</summary>
        public static long Next()
        {
            return Interlocked.Increment(ref Counter()[0]);
        }

        /// <summary>
        /// The process's counter, created once under the process-wide initialization lock
        /// (the interned string HelperLauncher.SharedState also locks).
        /// </summary>
        private static long[] Counter()
        {
            if (AppDomain.CurrentDomain.GetData(CounterName) is long[] counter)
            {
                return counter;
            }
            lock (string.Intern("MgBridge.Subprocess.InitializationLock"))
            {
                counter = AppDomain.CurrentDomain.GetData(CounterName) as long[];
                if (counter == null)
                {
                    counter = new long[1];
                    AppDomain.CurrentDomain.SetData(CounterName, counter);
                }
                return counter;
            }
        }
    }
}
