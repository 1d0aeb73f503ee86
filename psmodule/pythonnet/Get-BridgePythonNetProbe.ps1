function Get-BridgePythonNetProbe {
    <#
    .SYNOPSIS
        What an embedding needs to know about a Python interpreter, asked once and cached.
    .DESCRIPTION
        Runs the interpreter once with a short script (no import of the core) that prints
        JSON: sys.executable, prefix, base_prefix, version, sys.path, the libpython path
        (sysconfig LIBDIR + INSTSONAME / LDLIBRARY, or pythonXY.dll on Windows), whether
        the core's dependencies are findable, and any Python.Runtime.dll of an installed
        pythonnet wheel (site-packages/pythonnet/runtime/).

        A complete answer is cached in <cache>/pythonnet-probe-<key>.json, the key being
        a hash of the interpreter path, the size and modification time of the file it
        resolves to, the venv's pyvenv.cfg time, and the variables that change sys.path
        (PYTHONPATH, PYTHONHOME, PYTHONNOUSERSITE, PYTHONUSERBASE); later sessions then
        skip the subprocess. An incomplete answer (no libpython, a missing dependency) is
        never cached, so fixing the environment takes effect at once.
    .PARAMETER Python
        The interpreter's path.
    .PARAMETER RepositoryRoot
        A checkout holding bridge/ (put first on sys.path, as the subprocess transport's
        PYTHONPATH does); may be empty.
    .OUTPUTS
        PSCustomObject: Executable, Prefix, BasePrefix, Version, Path, LibPython,
        Shared, Missing, WheelRuntime, Cached.
    #>
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param(
        [Parameter(Mandatory)][string]$Python,
        [string]$RepositoryRoot
    )
    $file = [System.IO.FileInfo]::new($Python)
    if (-not $file.Exists) { throw "the interpreter $Python does not exist" }
    $target = $file.ResolveLinkTarget($true)
    $real = if ($null -ne $target) { [System.IO.FileInfo]::new($target.FullName) } else { $file }
    $cfg = [System.IO.FileInfo]::new([System.IO.Path]::Combine($file.Directory.Parent.FullName, 'pyvenv.cfg'))
    $key = @(
        $file.FullName, $real.FullName, $real.Length, $real.LastWriteTimeUtc.Ticks,
        $(if ($cfg.Exists) { $cfg.LastWriteTimeUtc.Ticks } else { 0 }),
        $env:PYTHONPATH, $env:PYTHONHOME, $env:PYTHONNOUSERSITE, $env:PYTHONUSERBASE,
        $RepositoryRoot, 'probe-v1'
    ) -join "`n"
    $hash = [System.Convert]::ToHexString(
        [System.Security.Cryptography.SHA256]::HashData([System.Text.Encoding]::UTF8.GetBytes($key))).Substring(0, 20)
    $cacheFile = [System.IO.Path]::Combine((Get-BridgePythonNetCacheDirectory), "pythonnet-probe-$hash.json")
    if ([System.IO.File]::Exists($cacheFile)) {
        try {
            $probe = [System.IO.File]::ReadAllText($cacheFile) | ConvertFrom-Json
            $probe | Add-Member -NotePropertyName Cached -NotePropertyValue $true -Force
            return $probe
        } catch {
            Write-Verbose "MgBridge: ignoring an unreadable probe cache ${cacheFile}: $($_.Exception.Message)"
        }
    }

    $script = @'
import importlib.util, json, os, sys, sysconfig
cfg = sysconfig.get_config_var
names = [n for n in (cfg("INSTSONAME"), cfg("LDLIBRARY")) if n]
dirs = [d for d in (cfg("LIBDIR"), cfg("LIBPL"), os.path.join(sys.base_prefix, "lib")) if d]
if cfg("MULTIARCH") and cfg("LIBDIR"):
    dirs.append(os.path.join(cfg("LIBDIR"), cfg("MULTIARCH")))
if cfg("PYTHONFRAMEWORKPREFIX") and cfg("LDLIBRARY"):
    names.insert(0, os.path.join(cfg("PYTHONFRAMEWORKPREFIX"), cfg("LDLIBRARY")))
cands = [os.path.join(d, n) for n in names for d in dirs] + [n for n in names if os.path.isabs(n)]
if os.name == "nt":
    dll = "python%d%d.dll" % sys.version_info[:2]
    cands = [os.path.join(sys.base_prefix, dll), os.path.join(os.path.dirname(sys.executable), dll)]
lib = next((c for c in cands if os.path.isfile(c) and not c.endswith(".a")), None)
root = sys.argv[1] if len(sys.argv) > 1 else ""
if root:
    sys.path.insert(0, root)
missing = [m for m in ("bridge", "httpx", "msal", "yaml") if importlib.util.find_spec(m) is None]
path = [p for p in sys.path if p and p != root and os.path.abspath(p) != os.getcwd()]
wheel = None
for p in path:
    c = os.path.join(p, "pythonnet", "runtime", "Python.Runtime.dll")
    if os.path.isfile(c):
        wheel = c
        break
print(json.dumps({"Executable": sys.executable, "Prefix": sys.prefix, "BasePrefix": sys.base_prefix,
                  "Version": "%d.%d.%d" % sys.version_info[:3], "Path": path, "LibPython": lib,
                  "Shared": bool(cfg("Py_ENABLE_SHARED")) or os.name == "nt", "Missing": missing,
                  "WheelRuntime": wheel}))
'@
    $info = [System.Diagnostics.ProcessStartInfo]::new($Python)
    foreach ($a in '-c', $script) { $info.ArgumentList.Add($a) }
    if ($RepositoryRoot) { $info.ArgumentList.Add($RepositoryRoot) }
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    $info.UseShellExecute = $false
    # Not the caller's folder: a bridge/ there must not decide what the probe finds.
    $info.WorkingDirectory = [System.IO.Path]::GetTempPath()
    $process = [System.Diagnostics.Process]::Start($info)
    try {
        $errTask = $process.StandardError.ReadToEndAsync()
        $out = $process.StandardOutput.ReadToEnd()
        if (-not $process.WaitForExit(30000)) { $process.Kill(); throw "the interpreter $Python did not answer within 30 s" }
        if ($process.ExitCode -ne 0) {
            $tail = ($errTask.Result -split "`n" | Where-Object { $_ } | Select-Object -Last 1)
            throw "the interpreter $Python failed (exit code $($process.ExitCode)): $tail"
        }
    } finally {
        $process.Dispose()
    }
    $probe = $out | ConvertFrom-Json
    if ($probe.LibPython -and $probe.Missing.Count -eq 0) {
        try {
            [void][System.IO.Directory]::CreateDirectory([System.IO.Path]::GetDirectoryName($cacheFile))
            $temp = "$cacheFile.$PID.tmp"
            [System.IO.File]::WriteAllText($temp, $out)
            [System.IO.File]::Move($temp, $cacheFile, $true)
        } catch {
            Write-Verbose "MgBridge: could not cache the interpreter probe: $($_.Exception.Message)"
        }
    }
    $probe | Add-Member -NotePropertyName Cached -NotePropertyValue $false -Force
    $probe
}
