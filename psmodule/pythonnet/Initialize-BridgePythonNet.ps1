function Initialize-BridgePythonNet {
    <#
    .SYNOPSIS
        Load Python.Runtime.dll and start the embedded Python once per pwsh process.
    .DESCRIPTION
        Called by Get-BridgePythonNetReadyState on first use (never at Import-Module: it costs
        about half a second). Under a process-wide lock, so runspaces racing to be first
        initialize once:

        1. The interpreter: -Python, else the module's Find-BridgePython candidates
           ($env:MGBRIDGE_PYTHON, $env:VIRTUAL_ENV, the checkout's .venv, python3/python on
           PATH), else the same rule here. The first whose probe (Get-BridgePythonNetProbe,
           cached) has a shared libpython and finds bridge, httpx, msal and yaml is used.
        2. Python.Runtime.dll: Find-BridgePythonNetRuntime (MGBRIDGE_PYTHONNET_DLL, the
           interpreter's pythonnet wheel, NuGet). It is loaded into its own
           AssemblyLoadContext, 'MgBridge.PythonNet', so it never clashes by name with a
           Python.Runtime another module put in the default context. A Python.Runtime
           that already initialized Python in this process (another module embedding
           Python) is refused with a clear error: one interpreter cannot serve two.
        3. Runtime.PythonDLL = the probe's libpython, PythonEngine.ProgramName = the
           interpreter (so a venv's pyvenv.cfg is honoured exactly as when it runs) and
           PythonHome = its base prefix, all before PythonEngine.Initialize() (signals
           left to .NET: Ctrl+C stays PowerShell's). PythonPath is deliberately not set:
           Py_SetPath leaves sys.base_prefix empty on 3.11; instead step 4 appends the
           probe's sys.path entries the embedded interpreter lacks and puts the checkout
           first. Then BeginAllowThreads(), so any thread can take the GIL.
        4. sys.path as the configured interpreter has it, then the host module,
           bridge.protocol._host (the core's own, covered by pytest and mypy).

        A failure before PythonEngine.Initialize() leaves nothing behind and the next call
        tries again; a failure from Initialize() on is remembered for the life of the
        process (Python cannot be initialized twice) and every later call reports it.
    .PARAMETER Python
        Use this interpreter instead of the candidates.
    .OUTPUTS
        The process-wide state (hashtable); see Get-BridgePythonNetState.
    .EXAMPLE
        Initialize-BridgePythonNet -Verbose | Out-Null
    #>
    [CmdletBinding()]
    [OutputType([hashtable])]
    param([string]$Python)

    $state = Get-BridgePythonNetState
    if ($state.Initialized) { return $state }
    if ($state.Failure) { throw $state.Failure }
    $lock = Get-BridgePythonNetLock
    [System.Threading.Monitor]::Enter($lock)
    try {
        if ($state.Initialized) { return $state }
        if ($state.Failure) { throw $state.Failure }
        $clock = [System.Diagnostics.Stopwatch]::StartNew()

        # 1. Interpreter and its probe.
        $repo = if (Get-Command -Name Get-BridgeRepositoryRoot -CommandType Function -ErrorAction Ignore) {
            Get-BridgeRepositoryRoot
        } else {
            [System.IO.Path]::GetDirectoryName((Get-BridgePythonNetModuleRoot))
        }
        if (-not [System.IO.File]::Exists([System.IO.Path]::Combine($repo, 'bridge', '__init__.py'))) { $repo = '' }
        $candidates = if ($Python) {
            [pscustomobject]@{ Path = $Python; Source = '-Python' }
        } else {
            Find-BridgePythonNetInterpreter -RepositoryRoot $repo
        }
        $probe = $null
        $chosen = $null
        $failures = [System.Collections.Generic.List[string]]::new()
        foreach ($candidate in $candidates) {
            try {
                $p = Get-BridgePythonNetProbe -Python $candidate.Path -RepositoryRoot $repo
            } catch {
                $failures.Add("$($candidate.Source): $($_.Exception.Message)")
                continue
            }
            if (-not $p.LibPython) {
                $why = if ($p.Shared) { 'its libpython was not found' } else { 'it was built without a shared libpython (--enable-shared), so it cannot be embedded' }
                $failures.Add("$($candidate.Source): $($candidate.Path): $why")
                continue
            }
            if (@($p.Missing).Count) {
                $failures.Add("$($candidate.Source): $($candidate.Path): cannot import $(@($p.Missing) -join ', ')")
                continue
            }
            $probe = $p
            $chosen = $candidate
            break
        }
        if (-not $probe) {
            throw ("MgBridge: the pythonnet transport found no Python interpreter it can embed (one with a " +
                "shared libpython and the bridge package, httpx, msal and pyyaml). Set `$env:MGBRIDGE_PYTHON " +
                "or activate a virtual environment that has them. Tried:`n  " +
                $(if ($failures.Count) { $failures -join "`n  " } else { '(no candidates)' }))
        }

        # 2. Python.Runtime.dll, in a load context of its own.
        $runtime = Find-BridgePythonNetRuntime -Probe $probe
        if (-not $runtime) {
            throw ("MgBridge: Python.Runtime.dll (pythonnet) was not found: install the pythonnet wheel into " +
                "$($probe.Executable)'s environment, restore the NuGet package pythonnet 3.2.1, or set " +
                "`$env:MGBRIDGE_PYTHONNET_DLL to the DLL's path.")
        }
        foreach ($loaded in [System.AppDomain]::CurrentDomain.GetAssemblies()) {
            if ($loaded.GetName().Name -ne 'Python.Runtime') { continue }
            $context = [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($loaded)
            if ($context.Name -eq 'MgBridge.PythonNet') { continue }
            $engine = $loaded.GetType('Python.Runtime.PythonEngine')
            if ($engine -and $engine::IsInitialized) {
                throw ("MgBridge: another Python.Runtime ($($loaded.GetName().Version) from " +
                    "'$($loaded.Location)', load context '$($context.Name)') has already started Python in " +
                    "this process; one process cannot embed two. Use the subprocess transport " +
                    "(`$env:MGBRIDGE_TRANSPORT = 'subprocess') in this session.")
            }
        }
        $alc = [System.Runtime.Loader.AssemblyLoadContext]::All | Where-Object Name -EQ 'MgBridge.PythonNet' | Select-Object -First 1
        if (-not $alc) { $alc = [System.Runtime.Loader.AssemblyLoadContext]::new('MgBridge.PythonNet', $false) }
        $assembly = $alc.Assemblies | Where-Object { $_.GetName().Name -eq 'Python.Runtime' } | Select-Object -First 1
        if (-not $assembly) { $assembly = $alc.LoadFromAssemblyPath([System.IO.Path]::GetFullPath($runtime.Path)) }
        $types = @{}
        foreach ($name in 'Runtime', 'PythonEngine', 'Py', 'PyObject', 'PyString') {
            $types[$name] = $assembly.GetType("Python.Runtime.$name", $true)
        }
        $loadMs = $clock.Elapsed.TotalMilliseconds

        # 3. Start Python. A failure of Initialize() is final for this process.
        $engine = $types.PythonEngine
        if (-not $engine::IsInitialized) {
            try {
                $types.Runtime::PythonDLL = $probe.LibPython
                $engine::ProgramName = $probe.Executable
                $engine::PythonHome = $probe.BasePrefix
                $engine::Initialize([string[]]@(), $true, $false)
                # The GIL is this thread's after Initialize; hand it back at once so every
                # thread (and pythonnet's own exit handler) can take it with Py.GIL().
                $state.ThreadState = $engine::BeginAllowThreads()
                # pythonnet hooks ProcessExit to run PythonEngine.Shutdown(), which takes 2-3.5 s
                # here (managed GC passes over every wrapper) and would wait on the GIL behind a
                # request still running. The core registers no atexit work, so the process
                # simply ends with Python in it (docs/pythonnet.md, "Exit").
                $state.ExitHookRemoved = Remove-BridgePythonNetExitHook -Engine $engine
            } catch {
                $state.Failure = ("MgBridge: the embedded Python (pythonnet) failed to start and cannot be " +
                    "restarted in this process: $($_.Exception.GetBaseException().Message)")
                throw $state.Failure
            }
        }
        $initMs = $clock.Elapsed.TotalMilliseconds - $loadMs
        $state.Py = $types.Py
        $state.PyString = $types.PyString
        $state.Types = $types

        # 4. sys.path as the interpreter has it (entries the embedded one lacks appended, the
        # checkout first), then the host module. (A failure here is not final: Python is up,
        # and the next call tries this step again.)
        $config = [ordered]@{ path = @($probe.Path); prepend = @($(if ($repo) { $repo })) } | ConvertTo-Json -Compress -Depth 3
        $hostFunctions = @{}
        $summary = Use-BridgePython -State $state {
            param($s)
            $code = "import json as _j, sys as _s`n" +
                "_c = _j.loads($(ConvertTo-Json -InputObject $config))`n" +
                "for _e in reversed(_c['prepend'] or []):`n" +
                "    _s.path.remove(_e) if _e in _s.path else None`n" +
                "    _s.path.insert(0, _e)`n" +
                "_s.path.extend(_e for _e in dict.fromkeys(_c['path'] or []) if _e and _e not in _s.path)`n" +
                "del _j, _s, _c"
            $s.Types.PythonEngine::Exec($code)
            $module = $s.Py::Import('bridge.protocol._host')
            try {
                foreach ($fn in 'begin', 'step', 'cancel', 'running', 'summary') { $hostFunctions[$fn] = $module.GetAttr($fn) }
            } finally { $module.Dispose() }
            $out = $hostFunctions.summary.Invoke()
            try { [string]$out.ToString() } finally { $out.Dispose() }
        }
        $state.Host = $hostFunctions
        $embedded = $summary | ConvertFrom-Json
        $state.Info = [pscustomobject]@{
            Python = $chosen.Path; PythonSource = $chosen.Source; Executable = $embedded.executable
            Prefix = $embedded.prefix; BasePrefix = $embedded.base_prefix; PythonVersion = $embedded.version
            LibPython = $probe.LibPython; RuntimeDll = $assembly.Location; RuntimeSource = $runtime.Source
            RuntimeVersion = $assembly.GetName().Version.ToString(); LoadContext = 'MgBridge.PythonNet'
            ProbeCached = [bool]$probe.Cached; RepositoryRoot = $repo; ExitHookRemoved = [bool]$state.ExitHookRemoved
            InitializeMs = [math]::Round($clock.Elapsed.TotalMilliseconds, 1)
            PythonStartMs = [math]::Round($initMs, 1)
        }
        $state.Initialized = $true
        Write-Verbose (("MgBridge: pythonnet transport ready in {0} ms: Python {1} ({2}, from {3}) through {4} " +
            "(Python.Runtime {5} from {6}, libpython {7})") -f $state.Info.InitializeMs, $embedded.version,
            $chosen.Path, $chosen.Source, $assembly.Location, $state.Info.RuntimeVersion, $runtime.Source, $probe.LibPython)
        $state
    } finally {
        [System.Threading.Monitor]::Exit($lock)
    }
}
