// Hand-written runtime of the MgBridge PowerShell shim (Modifiable; see README.md).
namespace MgBridge
{
    /// <summary>
    /// The interpreter Find-BridgePython would try first when one of its explicit choices is
    /// set ($env:MGBRIDGE_PYTHON, the interpreter recorded at install, $env:VIRTUAL_ENV, the
    /// checkout's .venv), as HelperLauncher.FirstChoice works it out: the same Path and Source
    /// as Find-BridgePython's candidate, and the Key (interpreter and PYTHONPATH) a helper
    /// started for it has.
    /// </summary>
    internal sealed class HelperChoice
    {
        internal HelperChoice(string path, string source, string key)
        {
            Path = path;
            Source = source;
            Key = key;
        }

        /// <summary>The interpreter's path (it exists).</summary>
        public string Path { get; }

        /// <summary>Where the path came from, in Find-BridgePython's words.</summary>
        public string Source { get; }

        /// <summary>"python|PYTHONPATH", as Start-BridgeHelper builds it for a candidate.</summary>
        public string Key { get; }
    }
}
