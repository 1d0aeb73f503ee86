# MgBridge loader, as run from a checkout: load the model types, then the functions of
# Private/, subprocess/, generated/ and Public/ (one function per file); pythonnet/ is loaded on the
# first call that uses that transport (Import-BridgePythonNetTransport). The release
# build (bash scripts/package) replaces this file with one holding those functions
# already merged, and ships the types precompiled in bin/MgBridge.Models.dll, so an
# installed module compiles nothing and caches nothing.
#
# Functions: dot-sourcing thirty small files costs ~4 ms each on first import, so the
# files of a folder set are joined once into one cached script (keyed by the files'
# count, total size and newest modification time, and the PowerShell version) and that
# one file is dot-sourced. Edit the source files; the bundle follows on the next import.
# Stack traces name the bundle, whose '# ---- <file>' lines say where each function
# comes from.
#
# The .NET types (custom/*.cs + generated/*.cs) are compiled once with Add-Type
# -OutputAssembly into the cache folder, keyed the same way, then loaded from there:
# compiling on every import takes seconds, loading a cached DLL a few milliseconds.
# Cache folder: $env:MGBRIDGE_CACHE, else $env:XDG_CACHE_HOME/mgbridge, else
# ~/.cache/mgbridge (%LOCALAPPDATA%\mgbridge on Windows). A folder that cannot be used
# (a path under a regular file, a full disk) costs speed, not the import: the types are
# compiled in memory and the files dot-sourced one by one, with one warning naming
# the setting.
#
# Import-Module MgBridge -ArgumentList <transport> selects the transport for this
# module instance ('auto', 'pythonnet' or 'subprocess'; see Get-BridgeTransport);
# without it $env:MGBRIDGE_TRANSPORT decides, else 'auto'.
param([string]$Transport)
Set-StrictMode -Version 3.0

$script:ModuleRoot = $PSScriptRoot
$script:BridgeRelease = $false

function Get-BridgeCacheDirectory {
    # Private: $env:MGBRIDGE_CACHE, else $XDG_CACHE_HOME/mgbridge, else ~/.cache/mgbridge.
    if ($env:MGBRIDGE_CACHE) { $env:MGBRIDGE_CACHE }
    elseif ($IsWindows) { [System.IO.Path]::Combine($env:LOCALAPPDATA, 'mgbridge') }
    elseif ($env:XDG_CACHE_HOME) { [System.IO.Path]::Combine($env:XDG_CACHE_HOME, 'mgbridge') }
    else { [System.IO.Path]::Combine($HOME, '.cache', 'mgbridge') }
}

function Get-BridgeSourceStamp {
    # Private: one key for every cached artifact (the DLL and the script bundles): the
    # count, total size, total path length and newest modification time of the files
    # under psmodule/, and the PowerShell version. Any edit changes it, and so does a move
    # to another folder (a rename keeps a file's time). Computed once per import, in one
    # loop over FileInfo objects, because each distinct .NET call costs PowerShell
    # milliseconds to bind the first time (hashing the contents cost ~70 ms here; a FileInfo
    # made per path, ~12 ms more than these).
    [long]$length = 0
    [long]$names = 0
    [long]$newest = 0
    $files = [System.IO.DirectoryInfo]::new($script:ModuleRoot).GetFiles('*', [System.IO.SearchOption]::AllDirectories)
    foreach ($info in $files) {
        $length += $info.Length
        $names += $info.FullName.Length
        $ticks = $info.LastWriteTimeUtc.Ticks
        if ($ticks -gt $newest) { $newest = $ticks }
    }
    $names -= $files.Count * $script:ModuleRoot.Length  # relative paths: the key does not depend on where psmodule/ is
    '{0:x}-{1:x}-{2:x}-{3:x}-{4}' -f $files.Count, $length, $names, $newest, $PSVersionTable.PSVersion
}

function Get-BridgeSourceFile {
    # Private: the files of $Folders (under psmodule/) matching $Pattern, in ordinal order
    # (the release build merges and compiles the same sets, scripts/release/Build-Module.ps1).
    param([string[]]$Folders, [string]$Pattern)
    foreach ($folder in $Folders) {
        $path = [System.IO.Path]::Combine($script:ModuleRoot, $folder)
        if (-not [System.IO.Directory]::Exists($path)) { continue }
        $found = [System.IO.Directory]::GetFiles($path, $Pattern)
        [System.Array]::Sort($found, [System.StringComparer]::Ordinal)
        $found
    }
}

function Set-BridgeCacheProblem {
    # Private: the cache folder cannot be used; say so once per import, naming the setting.
    param([string]$Reason)
    if ($script:BridgeCacheProblem) { return }
    $script:BridgeCacheProblem = $Reason
    $setting = if ($env:MGBRIDGE_CACHE) { '$env:MGBRIDGE_CACHE' } else { 'the default cache folder; set $env:MGBRIDGE_CACHE' }
    Write-Warning ("MgBridge: the cache folder '$script:BridgeCache' ($setting) cannot be used: $Reason " +
        'The module loads without it, but every import compiles its types again (seconds). ' +
        'Point $env:MGBRIDGE_CACHE at a writable folder.')
}

function Get-BridgeScriptBundle {
    # Private: what to dot-source for the *.ps1 of $Folders: one cached script holding them
    # all (see the header), written atomically on first use and reused while the sources are
    # unchanged; or, when the cache folder cannot be written, the files themselves.
    param([Parameter(Mandatory)][string]$Name, [Parameter(Mandatory)][string[]]$Folders)
    $bundle = [System.IO.Path]::Combine($script:BridgeCache, "MgBridge.$Name.$script:BridgeStamp.ps1")
    if (-not $script:BridgeCacheProblem -and [System.IO.File]::Exists($bundle)) { return $bundle }
    $files = @(Get-BridgeSourceFile -Folders $Folders -Pattern '*.ps1')
    if ($script:BridgeCacheProblem) { return $files }
    $text = [System.Text.StringBuilder]::new()
    foreach ($file in $files) {
        $relative = [System.IO.Path]::GetRelativePath($script:ModuleRoot, $file)
        [void]$text.Append("# ---- $relative`n").Append([System.IO.File]::ReadAllText($file)).Append("`n")
    }
    $temp = "$bundle.$PID.tmp"
    try {
        [void][System.IO.Directory]::CreateDirectory($script:BridgeCache)
        [System.IO.File]::WriteAllText($temp, $text.ToString())
        # Another session may have won the race: its bundle is as good as ours.
        try { [System.IO.File]::Move($temp, $bundle, $false) } catch { if (-not [System.IO.File]::Exists($bundle)) { throw } }
        $bundle
    } catch {
        Set-BridgeCacheProblem -Reason $_.Exception.GetBaseException().Message
        $files
    } finally {
        if ([System.IO.File]::Exists($temp)) { [System.IO.File]::Delete($temp) }
    }
}

function Import-BridgeAssembly {
    # Private: compile-once, load-always (see the header). Regenerating or editing the C#
    # means a new DLL (Get-BridgeSourceStamp); a session that already loaded the old one
    # must be restarted to see the change.
    $dll = [System.IO.Path]::Combine($script:BridgeCache, "MgBridge.Models.$script:BridgeStamp.dll")
    if (-not [System.IO.File]::Exists($dll)) {
        $sources = @(Get-BridgeSourceFile -Folders 'custom', 'generated' -Pattern '*.cs')
        # Compile to a private name, then move into place: two sessions importing at
        # once must never load a half-written DLL, and a failed write leaves nothing.
        $temp = [System.IO.Path]::Combine($script:BridgeCache, "MgBridge.Models.$script:BridgeStamp.$PID.tmp.dll")
        $cacheError = $null
        try {
            [void][System.IO.Directory]::CreateDirectory($script:BridgeCache)
            Add-Type -Path $sources -OutputAssembly $temp -OutputType Library -ErrorAction Stop
            try { [System.IO.File]::Move($temp, $dll, $false) } catch { if (-not [System.IO.File]::Exists($dll)) { throw } }
        } catch {
            $cacheError = $_.Exception.GetBaseException().Message
        } finally {
            if ([System.IO.File]::Exists($temp)) { [System.IO.File]::Delete($temp) }
        }
        if (-not [System.IO.File]::Exists($dll)) {
            # Compiling in memory tells a cache problem (this works) from a compile
            # error (this throws it, as it should).
            Add-Type -Path $sources -ErrorAction Stop
            Set-BridgeCacheProblem -Reason $cacheError
            return
        }
    }
    # Loading the same path again (Import-Module -Force) returns the loaded assembly.
    [void][System.Reflection.Assembly]::LoadFrom($dll)
}

$script:BridgeCacheProblem = $null
$script:BridgeCache = Get-BridgeCacheDirectory
$script:BridgeStamp = Get-BridgeSourceStamp
Import-BridgeAssembly
# The JIT's work of the last import, replayed on another core while this one runs (JitProfile.cs).
[void][MgBridge.JitProfile]::Start()
# Python starts now, in the background, before the functions are read (docs/performance.md,
# cold start): the release build's loader does the same.
[MgBridge.HelperLauncher]::StartAtImport([MgBridge.HelperLauncher]::SharedState(), $script:ModuleRoot, $script:BridgeRelease, $Transport)
foreach ($file in Get-BridgeScriptBundle -Name Functions -Folders 'Private', 'subprocess', 'generated', 'Public') { . $file }
Initialize-BridgeModule -Transport $Transport
