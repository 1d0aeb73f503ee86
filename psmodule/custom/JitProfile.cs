// Hand-written (Modifiable; see README.md): .NET's startup profile for the module's first use.
namespace MgBridge
{
    using System;
    using System.Reflection;
    using System.Runtime;
    using System.Threading;

    /// <summary>
    /// Records, and on the next import replays, the methods the JIT compiles from the import
    /// on: .NET's multi-core JIT (ProfileOptimization), the mechanism pwsh itself uses for its
    /// own start (StartupProfileData-NonInteractive in its cache folder). On a PowerShell
    /// whose engine ships as IL only, the import and the first calls are mostly the JIT
    /// compiling engine paths; with the profile, a background thread compiles the ones seen
    /// last time while the import runs.
    /// </summary>
    /// <remarks>
    /// Only in pwsh's own non-interactive console: another host's profile is that host's to
    /// manage, and an interactive pwsh (PSReadLine loaded) keeps recording its own. Once per
    /// process (runspaces importing the module again would cut the recording short).
    /// $env:MGBRIDGE_JIT_PROFILE = '0' turns it off. The file (FileName) is in pwsh's profile
    /// folder (~/.cache/powershell); a stale or unreadable one only costs the background
    /// thread its work. pwsh's own profile is the last pwsh process's, so it replays a script
    /// only when that same script ran last; this one survives other pwsh processes in between.
    /// </remarks>
    public static class JitProfile
    {
        /// <summary>
        /// The profile's file name, beside pwsh's own StartupProfileData-* files: one per
        /// assembly version (the release DLL carries the package version, a checkout's 0.0.0.0),
        /// since a profile names the DLL it was recorded with, and the replay waits for that one.
        /// </summary>
        public static string FileName { get; } =
            "StartupProfileData-MgBridge-" + typeof(JitProfile).Assembly.GetName().Version;

        private static int _started;

        /// <summary>Start recording (and replaying) the module's profile; true if this call did.</summary>
        public static bool Start()
        {
            if (Environment.GetEnvironmentVariable("MGBRIDGE_JIT_PROFILE") == "0") return false;
            if (Assembly.GetEntryAssembly()?.GetName().Name != "pwsh" || InteractiveConsole()) return false;
            if (Interlocked.Exchange(ref _started, 1) == 1) return false;
            ProfileOptimization.StartProfile(FileName);
            return true;
        }

        private static bool InteractiveConsole()
        {
            // pwsh loads PSReadLine exactly when it runs interactively (and then records
            // StartupProfileData-Interactive); its assembly is loaded before any profile script.
            foreach (Assembly assembly in AppDomain.CurrentDomain.GetAssemblies())
            {
                if (assembly.FullName.StartsWith("Microsoft.PowerShell.PSReadLine", StringComparison.Ordinal)) return true;
            }
            return false;
        }
    }
}
