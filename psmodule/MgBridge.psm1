# MgBridge loader: load the compiled model types, then the functions of
# Private/, generated/ and Public/ (one function per file); pythonnet/ is loaded
# on the first call that uses that transport (Import-BridgePythonNetTransport).
#
# Functions: dot-sourcing thirty small files costs ~4 ms each on first import,
# so the files of a folder set are joined once into one cached script (keyed by
# the files' count, total size and newest modification time, and the PowerShell
# version) and that one file is dot-sourced. Edit the source files; the bundle
# follows on the next import. Stack traces name the bundle, whose '# ---- <file>'
# lines say where each function comes from.
#
# Import-Module MgBridge -ArgumentList <transport> selects the transport for this
# module instance ('auto', 'pythonnet' or 'subprocess'; see Get-BridgeTransport);
# without it $env:MGBRIDGE_TRANSPORT decides, else 'auto'.
#
# The .NET types (generated/*.cs + custom/*.cs) are compiled once with
# Add-Type -OutputAssembly into a cache directory keyed by a hash of their
# source and the PowerShell version, then loaded from there: compiling on every
# import takes seconds, loading a cached DLL a few milliseconds. Cache folder:
# $env:MGBRIDGE_CACHE, else $env:XDG_CACHE_HOME/mgbridge, else ~/.cache/mgbridge
# (%LOCALAPPDATA%\mgbridge on Windows).
param([string]$Transport)
Set-StrictMode -Version 3.0

$script:ModuleRoot = $PSScriptRoot

function Get-BridgeCacheDirectory {
    # Private: $env:MGBRIDGE_CACHE, else $XDG_CACHE_HOME/mgbridge, else ~/.cache/mgbridge.
    if ($env:MGBRIDGE_CACHE) { $env:MGBRIDGE_CACHE }
    elseif ($IsWindows) { [System.IO.Path]::Combine($env:LOCALAPPDATA, 'mgbridge') }
    elseif ($env:XDG_CACHE_HOME) { [System.IO.Path]::Combine($env:XDG_CACHE_HOME, 'mgbridge') }
    else { [System.IO.Path]::Combine($HOME, '.cache', 'mgbridge') }
}

function Get-BridgeSourceStamp {
    # Private: one key for every cached artifact (the DLL and the script bundles): the
    # count, total size and newest modification time of the files under psmodule/, and
    # the PowerShell version. Any edit changes it. Computed once per import, in one
    # loop, because each distinct .NET call costs PowerShell milliseconds to bind the
    # first time (hashing the contents cost ~70 ms here).
    [long]$length = 0
    [long]$newest = 0
    $files = [System.IO.Directory]::GetFiles($script:ModuleRoot, '*', [System.IO.SearchOption]::AllDirectories)
    foreach ($file in $files) {
        $info = [System.IO.FileInfo]::new($file)
        $length += $info.Length
        if ($info.LastWriteTimeUtc.Ticks -gt $newest) { $newest = $info.LastWriteTimeUtc.Ticks }
    }
    '{0:x}-{1:x}-{2:x}-{3}' -f $files.Count, $length, $newest, $PSVersionTable.PSVersion
}

function Get-BridgeScriptBundle {
    # Private: the path of one cached script holding every *.ps1 of $Folders (see the
    # header); written atomically on first use, reused while the sources are unchanged.
    param([Parameter(Mandatory)][string]$Name, [Parameter(Mandatory)][string[]]$Folders)
    $bundle = [System.IO.Path]::Combine($script:BridgeCache, "MgBridge.$Name.$script:BridgeStamp.ps1")
    if (-not [System.IO.File]::Exists($bundle)) {
        $text = [System.Text.StringBuilder]::new()
        foreach ($folder in $Folders) {
            $found = [System.IO.Directory]::GetFiles([System.IO.Path]::Combine($script:ModuleRoot, $folder), '*.ps1')
            [System.Array]::Sort($found, [System.StringComparer]::Ordinal)
            foreach ($file in $found) {
                $relative = [System.IO.Path]::GetRelativePath($script:ModuleRoot, $file)
                [void]$text.Append("# ---- $relative`n").Append([System.IO.File]::ReadAllText($file)).Append("`n")
            }
        }
        [void][System.IO.Directory]::CreateDirectory($script:BridgeCache)
        $temp = "$bundle.$PID.tmp"
        [System.IO.File]::WriteAllText($temp, $text.ToString())
        try { [System.IO.File]::Move($temp, $bundle, $false) }
        catch { Remove-Item -LiteralPath $temp -ErrorAction SilentlyContinue }
    }
    $bundle
}

function Import-BridgePythonNetTransport {
    # Private: define the pythonnet transport's functions (psmodule/pythonnet/) in the
    # module's scope on first use, so importing the module does not pay for them.
    if ($script:BridgePythonNetLoaded) { return }
    $before = [System.Collections.Generic.HashSet[string]]::new([string[]]@((Get-ChildItem function:).Name))
    . (Get-BridgeScriptBundle -Name PythonNet -Folders 'pythonnet')
    foreach ($function in Get-ChildItem function:) {
        if (-not $before.Contains($function.Name)) {
            # -WhatIf/-Confirm: a cmdlet called with -WhatIf must still get its transport.
            Set-Item -LiteralPath "function:script:$($function.Name)" -Value $function.ScriptBlock -WhatIf:$false -Confirm:$false
        }
    }
    $script:BridgePythonNetLoaded = $true
}

function Import-BridgeAssembly {
    # Private: compile-once, load-always (see the header). Not exported. Regenerating or
    # editing the C# means a new DLL (Get-BridgeSourceStamp); a session that already
    # loaded the old one must be restarted to see the change.
    $dll = [System.IO.Path]::Combine($script:BridgeCache, "MgBridge.Models.$script:BridgeStamp.dll")
    if (-not [System.IO.File]::Exists($dll)) {
        # Every C# file of custom/ (hand-written runtime) and generated/ (the models).
        $sources = foreach ($folder in 'custom', 'generated') {
            $found = [System.IO.Directory]::GetFiles([System.IO.Path]::Combine($script:ModuleRoot, $folder), '*.cs')
            [System.Array]::Sort($found, [System.StringComparer]::Ordinal)
            $found
        }
        [void][System.IO.Directory]::CreateDirectory($script:BridgeCache)
        # Compile to a private name, then move into place: two sessions importing at
        # once must never load a half-written DLL.
        $temp = [System.IO.Path]::Combine($script:BridgeCache, "MgBridge.Models.$script:BridgeStamp.$PID.tmp.dll")
        Add-Type -Path $sources -OutputAssembly $temp -OutputType Library -ErrorAction Stop
        try { [System.IO.File]::Move($temp, $dll, $false) }
        catch { Remove-Item -LiteralPath $temp -ErrorAction SilentlyContinue }
    }
    # Loading the same path again (Import-Module -Force) returns the loaded assembly.
    [void][System.Reflection.Assembly]::LoadFrom($dll)
}
$script:BridgeCache = Get-BridgeCacheDirectory
$script:BridgeStamp = Get-BridgeSourceStamp
Import-BridgeAssembly

$script:BridgePythonNetLoaded = $false
. (Get-BridgeScriptBundle -Name Functions -Folders 'Private', 'generated', 'Public')

# The subprocess transport's helper process and the journal of state-changing calls
# replayed after a helper restart are process-wide, shared by every runspace like
# Microsoft's Graph session (Get-BridgeSubprocessState, in AppDomain data); this module
# instance (one per runspace) only caches the reference, and the process-wide request-id
# counter (Get-BridgeRequestId).
$script:BridgeSubprocessState = $null
$script:BridgeRequestCounter = $null
# The transport (Get-BridgeTransport): the -ArgumentList setting, the resolved
# transport and the $env:MGBRIDGE_TRANSPORT value it was resolved for, and why
# pythonnet could not run (then the module uses subprocess).
$script:BridgeTransportArgument = if ($Transport) { $Transport.ToLowerInvariant() } else { $null }
$script:BridgeTransport = $null
$script:BridgeTransportSetting = $null
$script:BridgeTransportRequested = $null
$script:BridgeTransportFallback = $null
$script:BridgeCommonParameters = [System.Collections.Generic.HashSet[string]]::new(
    [string[]]@([System.Management.Automation.PSCmdlet]::CommonParameters +
        [System.Management.Automation.PSCmdlet]::OptionalCommonParameters),
    [System.StringComparer]::OrdinalIgnoreCase)

# Where the checkout is (for the helper's PYTHONPATH and .venv) is worked out on
# first use (Get-BridgeRepositoryRoot), not here: import stays cheap.
$script:ModuleRealRoot = $null
$script:BridgeCoexistenceChecked = $false

# Removing the module does not end the helper: other runspaces of this process may be
# using it (and a re-import picks it up again). It exits on its own when its stdin
# closes, that is when pwsh exits.


# Work for the first call, started now in the background so that it overlaps the rest of
# the script until then: the subprocess helper (Start-BridgeHelperAtImport) and the JIT
# of the message codec.
Start-BridgeHelperAtImport
[MgBridge.BridgeJson]::PrepareInBackground()
