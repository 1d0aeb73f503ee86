// Hand-written runtime of the MgBridge PowerShell shim (Modifiable; see README.md).
//
// The import-time start of the subprocess helper and its take-over by the first call, in C#
// because they run at Import-Module and at a session's first call: there every PowerShell
// step pays its first-time compile and bind cost (the same work as a PowerShell function took
// 60 ms on a quiet machine and 0.4-2 s at load 12), while this is one call into the
// already-loaded DLL, and the process spawn itself runs on a thread-pool thread
// (docs/performance.md, import and first call).
namespace MgBridge
{
    using System;
    using System.Collections;
    using System.Collections.Generic;
    using System.Globalization;
    using System.IO;
    using System.Management.Automation;
    using System.Runtime.InteropServices;
    using System.Text.Json;
    using System.Threading;
    using System.Threading.Tasks;

    /// <summary>
    /// Starts the process's subprocess helper in the background at Import-Module, so Python
    /// imports the core on the other core while PowerShell runs the script's first lines, and
    /// hands it to the first call (TakeOver).
    /// </summary>
    public static class HelperLauncher
    {
        private static readonly string[] SecretVariables =
        {
            "AZURE_CLIENT_SECRET", "AZURE_CLIENT_CERTIFICATE_PASSWORD", "AZURE_PASSWORD",
            "IDENTITY_HEADER", "MSI_SECRET",
        };

        private const string StateName = "MgBridge.Subprocess.State";

        /// <summary>
        /// The process-wide state of the subprocess transport, shared by every runspace through
        /// AppDomain data (its keys: Get-BridgeSubprocessState); created once, under the
        /// process-wide initialization lock (an interned string: one object per process).
        /// </summary>
        public static Hashtable SharedState()
        {
            if (AppDomain.CurrentDomain.GetData(StateName) is Hashtable state)
            {
                return state;
            }
            lock (string.Intern("MgBridge.Subprocess.InitializationLock"))
            {
                state = AppDomain.CurrentDomain.GetData(StateName) as Hashtable;
                if (state == null)
                {
                    state = Hashtable.Synchronized(new Hashtable(StringComparer.OrdinalIgnoreCase)
                    {
                        ["Helper"] = null,
                        ["Info"] = null,
                        ["Lock"] = new object(),
                        ["Starting"] = false,
                        ["Early"] = null,
                        ["Journal"] = new List<object>(),
                    });
                    AppDomain.CurrentDomain.SetData(StateName, state);
                }
                return state;
            }
        }

        /// <summary>
        /// The environment changes for a new helper (null removes a name): UTF-8 pipes without
        /// buffering, no secret variables, and PYTHONPATH starting with the checkout when
        /// <paramref name="repository"/> (the folder holding psmodule/ and bridge/) has the core.
        /// </summary>
        public static Hashtable Environment(string repository)
        {
            var environment = new Hashtable(StringComparer.OrdinalIgnoreCase)
            {
                ["PYTHONIOENCODING"] = "utf-8",
                ["PYTHONUNBUFFERED"] = "1",
            };
            foreach (string name in SecretVariables)
            {
                environment[name] = null;
            }
            string pythonPath = HelperPythonPath(repository);
            if (pythonPath != null)
            {
                environment["PYTHONPATH"] = pythonPath;
            }
            return environment;
        }

        /// <summary>A new helper's PYTHONPATH: the checkout first when it has the core; else null (inherited).</summary>
        private static string HelperPythonPath(string repository)
        {
            if (string.IsNullOrEmpty(repository) || !File.Exists(Path.Combine(repository, "bridge", "__init__.py")))
            {
                return null;
            }
            string current = System.Environment.GetEnvironmentVariable("PYTHONPATH");
            return string.IsNullOrEmpty(current) ? repository : repository + Path.PathSeparator + current;
        }

        /// <summary>The checkout a module folder belongs to (its parent, symlinks followed).</summary>
        public static string RepositoryRoot(string moduleRoot)
        {
            string root = moduleRoot;
            FileSystemInfo target = new DirectoryInfo(root).ResolveLinkTarget(true);
            if (target != null)
            {
                root = target.FullName;
            }
            return Path.GetDirectoryName(root.TrimEnd('\\', '/'));
        }

        /// <summary>
        /// At Import-Module, called by the loader as soon as this assembly is loaded (before the
        /// functions are read): start the helper and send it 'hello' without waiting, when this
        /// module instance uses the subprocess transport and the process has no helper yet, so
        /// Python starts and imports the core on the other core while PowerShell finishes the
        /// import and runs the script's first lines. Another runspace already starting one wins.
        /// This is a guess, checked at the first call (TakeOver, else Start-BridgeHelper ends
        /// it). Only the cheap,
        /// explicit interpreter choices of Find-BridgePython are tried ($env:MGBRIDGE_PYTHON,
        /// the interpreter recorded at install, $env:VIRTUAL_ENV, the checkout's .venv; the
        /// first that is set decides); a PATH search costs more than it saves. Never throws.
        /// </summary>
        /// <param name="state">The process-wide state (Get-BridgeSubprocessState).</param>
        /// <param name="moduleRoot">The module's folder ($PSScriptRoot of the loader).</param>
        /// <param name="release">True for the release build (never looks outside its folder).</param>
        /// <param name="transportArgument">Import-Module -ArgumentList's transport, or null.</param>
        public static void StartAtImport(IDictionary state, string moduleRoot, bool release,
            string transportArgument)
        {
            try
            {
                string setting = !string.IsNullOrEmpty(transportArgument)
                    ? transportArgument
                    : System.Environment.GetEnvironmentVariable("MGBRIDGE_TRANSPORT");
                setting = string.IsNullOrEmpty(setting) ? "auto" : setting.ToLowerInvariant();
                if (setting != "auto" && setting != "subprocess")
                {
                    return;
                }
                if (state["Helper"] != null || state["Early"] != null ||
                    (state["Starting"] is bool starting && starting))
                {
                    return;
                }
                string repository = release ? null : RepositoryRoot(moduleRoot);
                HelperChoice choice = FirstChoice(moduleRoot, repository);
                if (choice == null)
                {
                    return;
                }
                object stateLock = state["Lock"];
                if (!Monitor.TryEnter(stateLock, 0))
                {
                    return;  // another runspace is starting one
                }
                try
                {
                    if (state["Helper"] != null || state["Early"] != null)
                    {
                        return;
                    }
                    Hashtable environment = Environment(repository);
                    string python = choice.Path;
                    Task<HelperProcess> start = Task.Run(() =>
                    {
                        var helper = new HelperProcess(python, new[] { "-m", "bridge.protocol" },
                            environment, null);
                        helper.Expect(0);
                        helper.Send("{\"v\":1,\"id\":0,\"op\":\"hello\"}");
                        return helper;
                    });
                    state["Early"] = new EarlyHelper(choice.Key, start);
                }
                finally
                {
                    Monitor.Exit(stateLock);
                }
            }
            catch (Exception)
            {
                // Never fails the import: the first call starts a helper and reports problems.
            }
        }

        /// <summary>
        /// At the first call, with the state's lock held: take over the helper started at import
        /// when it runs the interpreter the search would try first (FirstChoice, worked out again
        /// now) with the same PYTHONPATH, and it answers 'hello' as Greet requires. True when
        /// <c>state["Helper"]</c> is now that helper. False leaves the start to Start-BridgeHelper:
        /// when no helper was started at import, when it was started for other settings (it
        /// stays in <c>state["Early"]</c> for Start-BridgeHelper to end), and when it failed (it
        /// is ended here; the search tries its interpreter again and reports why).
        /// </summary>
        /// <param name="state">The process-wide state (Get-BridgeSubprocessState).</param>
        /// <param name="moduleRoot">The module's folder ($PSScriptRoot of the loader).</param>
        /// <param name="release">True for the release build (never looks outside its folder).</param>
        /// <param name="cmdlet">The calling command, for the -Verbose line; or null.</param>
        public static bool TakeOver(IDictionary state, string moduleRoot, bool release, Cmdlet cmdlet)
        {
            if (!(state["Early"] is EarlyHelper early))
            {
                return false;
            }
            HelperChoice first = FirstChoice(moduleRoot, release);
            if (first == null || !string.Equals(first.Key, early.Key, StringComparison.Ordinal))
            {
                return false;
            }
            state["Early"] = null;
            HelperProcess helper = early.Helper;
            if (helper == null)
            {
                return false;
            }
            if (Greet(state, helper, first.Path, first.Source, cmdlet) != null)
            {
                helper.Kill();
                helper.Dispose();
                return false;
            }
            return true;
        }

        /// <summary>
        /// A module instance's first subprocess call, in C# because at a session's first call
        /// each PowerShell step pays its first-time cost (the functions doing this took
        /// 60-80 ms more than this one call; docs/performance.md). With the state's lock held:
        /// when there is no helper yet and nothing to replay, take over the helper started at
        /// import (TakeOver); then check that the helper's core is this module's version
        /// (CheckHello). Returns true when the helper is up and of this version; null when it is
        /// up but the check could not be made (Ctrl+C, a failed hello: the next call checks
        /// again); the VersionMismatch response; or false when PowerShell's path must do it
        /// (Send-BridgeSubprocessMessage: no helper from import fits, a helper died and the
        /// journal is to be replayed, or a helper is being started on this thread).
        /// </summary>
        /// <param name="state">The process-wide state (Get-BridgeSubprocessState).</param>
        /// <param name="moduleRoot">The module's folder ($PSScriptRoot of the loader).</param>
        /// <param name="release">True for the release build.</param>
        /// <param name="moduleVersion">This module's version (Get-BridgeModuleVersion).</param>
        /// <param name="cmdlet">The calling command (-Verbose line, Ctrl+C).</param>
        public static object FirstCall(IDictionary state, string moduleRoot, bool release, string moduleVersion,
            PSCmdlet cmdlet)
        {
            object stateLock = state["Lock"];
            bool locked = false;
            HelperProcess helper;
            try
            {
                while (!locked)
                {
                    locked = Monitor.TryEnter(stateLock, 50);
                }
                if (state["Starting"] is bool starting && starting)
                {
                    return false;  // this thread is starting a helper (the journal's replay)
                }
                helper = state["Helper"] as HelperProcess;
                if (helper == null || helper.HasExited)
                {
                    if (helper != null || ((ICollection)state["Journal"]).Count > 0 ||
                        !TakeOver(state, moduleRoot, release, cmdlet))
                    {
                        return false;
                    }
                    helper = (HelperProcess)state["Helper"];
                }
            }
            finally
            {
                if (locked)
                {
                    Monitor.Exit(stateLock);
                }
            }
            var hello = new Hashtable { ["op"] = "hello", ["args"] = new Hashtable { ["module"] = moduleVersion } };
            object response = HelperCall.Call(state, helper, hello, BridgeRequestId.Next(), cmdlet);
            return CheckHello(response, moduleVersion);
        }

        /// <summary>
        /// Test-BridgeCoreVersion's verdict on the answer to 'hello' sent with this module's
        /// version: true when the core is that version; the VersionMismatch response when it is
        /// not (the core's own refusal, or, from a core too old to check, one made here naming
        /// both versions and the command that fixes it); null when there was no usable answer.
        /// </summary>
        /// <param name="response">The decoded answer, or null.</param>
        /// <param name="moduleVersion">This module's version.</param>
        public static object CheckHello(object response, string moduleVersion)
        {
            if (!(response is PSObject answer))
            {
                return null;
            }
            if (!(answer.Properties["ok"]?.Value is bool ok && ok))
            {
                var error = answer.Properties["error"]?.Value as PSObject;
                return error?.Properties["errorId"]?.Value as string == "VersionMismatch" ? answer : null;
            }
            var result = answer.Properties["result"]?.Value as PSObject;
            string package = System.Convert.ToString(result?.Properties["package"]?.Value, CultureInfo.InvariantCulture) ?? "";
            if (package == moduleVersion)
            {
                return true;
            }
            string python = System.Convert.ToString(result?.Properties["executable"]?.Value, CultureInfo.InvariantCulture);
            return BridgeResponse.Error(answer.Properties["id"]?.Value, "VersionMismatch", "NotInstalled",
                $"The MgBridge module {moduleVersion} met the Python core mgbridge {package} ({python}); " +
                $"they must be the same version. Fix: & '{python}' -m pip install mgbridge=={moduleVersion}");
        }

        /// <summary>
        /// Wait (at most 60 s) for a new helper's answer to the 'hello' sent as request 0, and
        /// keep the helper when it speaks protocol version 1: it becomes <c>state["Helper"]</c>,
        /// <c>state["Info"]</c> describes it, and a -Verbose line says so. Returns null then; else
        /// why not (for the "found no Python" message), and the caller ends the helper.
        /// </summary>
        /// <param name="state">The process-wide state (Get-BridgeSubprocessState).</param>
        /// <param name="helper">The helper, 'hello' sent.</param>
        /// <param name="python">Its interpreter.</param>
        /// <param name="source">Where that interpreter came from, in Find-BridgePython's words.</param>
        /// <param name="cmdlet">The calling command, for the -Verbose line; or null.</param>
        public static string Greet(IDictionary state, HelperProcess helper, string python, string source, Cmdlet cmdlet)
        {
            PSObject result;
            object protocol;
            try
            {
                string line = null;
                DateTime deadline = DateTime.UtcNow.AddSeconds(60);
                while (line == null && !helper.Ended(0) && DateTime.UtcNow < deadline)
                {
                    line = helper.Receive(0, 50);
                }
                helper.Forget(0);
                if (line == null)
                {
                    return helper.Ended(0) ? "the helper exited at start" : "no answer to 'hello' within 60 seconds";
                }
                var hello = (PSObject)BridgeJson.Decode(line);
                if (!(hello.Properties["ok"]?.Value is bool ok && ok))
                {
                    return (hello.Properties["error"]?.Value as PSObject)?.Properties["message"]?.Value as string
                        ?? "its answer to 'hello' was not ok";
                }
                result = (PSObject)hello.Properties["result"].Value;
                protocol = result.Properties["protocol"]?.Value;
            }
            catch (Exception e)  // any line that is not a hello answer
            {
                return "its answer to 'hello' could not be read: " + e.Message;
            }
            if (!(protocol is int || protocol is long) || System.Convert.ToInt64(protocol) != 1)
            {
                return $"it speaks protocol version {protocol}; this module speaks 1";
            }
            object version = result.Properties["python"]?.Value;
            var info = new PSObject();
            info.Properties.Add(new PSNoteProperty("Pid", helper.Id));
            info.Properties.Add(new PSNoteProperty("Python", python));
            info.Properties.Add(new PSNoteProperty("Source", source));
            info.Properties.Add(new PSNoteProperty("PythonVersion", version));
            info.Properties.Add(new PSNoteProperty("Package", result.Properties["package"]?.Value));
            info.Properties.Add(new PSNoteProperty("Protocol", protocol));
            state["Helper"] = helper;
            state["Info"] = info;
            cmdlet?.WriteVerbose(string.Format(CultureInfo.InvariantCulture,
                "MgBridge: started the Python helper (pid {0}, {1} from {2}, Python {3}, protocol {4})",
                helper.Id, python, source, version, protocol));
            return null;
        }

        /// <summary>
        /// Find-BridgePython's first candidate when one of its explicit choices is set
        /// ($env:MGBRIDGE_PYTHON, the interpreter recorded at install, $env:VIRTUAL_ENV, the
        /// checkout's .venv; the first that is set decides) and names an existing file; else
        /// null (the full search, with PATH, is Find-BridgePython's). Worked out again at the
        /// first call, so a helper started at import is taken over only while it still fits.
        /// </summary>
        /// <param name="moduleRoot">The module's folder ($PSScriptRoot of the loader).</param>
        /// <param name="release">True for the release build (never looks outside its folder).</param>
        private static HelperChoice FirstChoice(string moduleRoot, bool release)
        {
            return FirstChoice(moduleRoot, release ? null : RepositoryRoot(moduleRoot));
        }

        private static HelperChoice FirstChoice(string moduleRoot, string repository)
        {
            string exe = RuntimeInformation.IsOSPlatform(OSPlatform.Windows)
                ? Path.Combine("Scripts", "python.exe") : Path.Combine("bin", "python");
            string virtualEnv = System.Environment.GetEnvironmentVariable("VIRTUAL_ENV");
            string record = Path.Combine(moduleRoot, "python.json");
            var choices = new List<(Func<string> Path, string Source)>
            {
                (() => System.Environment.GetEnvironmentVariable("MGBRIDGE_PYTHON"), "$env:MGBRIDGE_PYTHON"),
                (() => RecordedPython(record), $"the interpreter recorded at install ({record})"),
                (() => string.IsNullOrEmpty(virtualEnv) ? null : Path.Combine(virtualEnv, exe), "$env:VIRTUAL_ENV"),
                (() => repository == null ? null : Path.Combine(repository, ".venv", exe), "the checkout's .venv"),
            };
            foreach ((Func<string> choice, string source) in choices)
            {
                string path = choice();
                if (string.IsNullOrEmpty(path))
                {
                    continue;
                }
                if (!File.Exists(path))
                {
                    return null;
                }
                return new HelperChoice(path, source, path + "|" + (HelperPythonPath(repository) ?? ""));
            }
            return null;
        }

        /// <summary>python.json's "python" (Get-BridgeRecordedPython), or null.</summary>
        private static string RecordedPython(string record)
        {
            if (!File.Exists(record))
            {
                return null;
            }
            try
            {
                using (JsonDocument document = JsonDocument.Parse(File.ReadAllText(record)))
                {
                    return document.RootElement.GetProperty("python").GetString();
                }
            }
            catch (Exception)
            {
                return null;
            }
        }
    }
}
