# MgBridge loader: load the compiled model types, then dot-source Private/,
# pythonnet/, generated/ and Public/ (one function per file).
#
# Import-Module MgBridge -ArgumentList <transport> selects the transport for this
# module instance ('auto', 'pythonnet' or 'subprocess'; see Get-BridgeTransport);
# without it $env:MGBRIDGE_TRANSPORT decides, else 'auto'.
#
# The .NET types (generated/Models.cs + custom/*.cs) are compiled once with
# Add-Type -OutputAssembly into a cache directory keyed by a hash of their
# source and the PowerShell version, then loaded from there: compiling on every
# import takes seconds, loading a cached DLL a few milliseconds. Cache folder:
# $env:MGBRIDGE_CACHE, else $env:XDG_CACHE_HOME/mgbridge, else ~/.cache/mgbridge
# (%LOCALAPPDATA%\mgbridge on Windows).
param([string]$Transport)
Set-StrictMode -Version 3.0

$script:ModuleRoot = $PSScriptRoot

function Import-BridgeAssembly {
    # Private: compile-once, load-always (see the header). Not exported.
    # The cache key is the sources' sizes and modification times plus the PowerShell
    # version: cheap to compute (a SHA-256 costs ~70 ms of start-up here) and it
    # changes with any edit. Regenerating or editing the C# means a new DLL; a session
    # that already loaded the old one must be restarted to see the change.
    $sources = @(
        [System.IO.Path]::Combine($PSScriptRoot, 'custom', 'MgBridge.Runtime.cs'),
        [System.IO.Path]::Combine($PSScriptRoot, 'generated', 'Models.cs')
    )
    $key = [System.Text.StringBuilder]::new()
    foreach ($source in $sources) {
        $info = [System.IO.FileInfo]::new($source)
        [void]$key.Append($info.Length.ToString('x')).Append('-').Append($info.LastWriteTimeUtc.Ticks.ToString('x')).Append('-')
    }
    [void]$key.Append($PSVersionTable.PSVersion.ToString())
    $cache = if ($env:MGBRIDGE_CACHE) { $env:MGBRIDGE_CACHE }
    elseif ($IsWindows) { [System.IO.Path]::Combine($env:LOCALAPPDATA, 'mgbridge') }
    elseif ($env:XDG_CACHE_HOME) { [System.IO.Path]::Combine($env:XDG_CACHE_HOME, 'mgbridge') }
    else { [System.IO.Path]::Combine($HOME, '.cache', 'mgbridge') }
    $dll = [System.IO.Path]::Combine($cache, "MgBridge.Models.$key.dll")
    if (-not [System.IO.File]::Exists($dll)) {
        [void][System.IO.Directory]::CreateDirectory($cache)
        # Compile to a private name, then move into place: two sessions importing at
        # once must never load a half-written DLL.
        $temp = [System.IO.Path]::Combine($cache, "MgBridge.Models.$key.$PID.tmp.dll")
        Add-Type -Path $sources -OutputAssembly $temp -OutputType Library -ErrorAction Stop
        try { [System.IO.File]::Move($temp, $dll, $false) }
        catch { Remove-Item -LiteralPath $temp -ErrorAction SilentlyContinue }
    }
    # Loading the same path again (Import-Module -Force) returns the loaded assembly.
    [void][System.Reflection.Assembly]::LoadFrom($dll)
}
Import-BridgeAssembly

foreach ($folder in 'Private', 'pythonnet', 'generated', 'Public') {
    foreach ($file in [System.IO.Directory]::GetFiles([System.IO.Path]::Combine($PSScriptRoot, $folder), '*.ps1')) {
        . $file
    }
}

# Session state of this module instance (one per runspace): the helper process,
# the journal of state-changing calls replayed after a helper restart, settings.
$script:BridgeHelper = $null
$script:BridgeHelperInfo = $null
$script:BridgeJournal = [System.Collections.Generic.List[object]]::new()
$script:BridgeNextId = 0
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

$ExecutionContext.SessionState.Module.OnRemove = {
    # Removing the module ends its helper; the helper also exits on its own when
    # its stdin closes (pwsh exits).
    Stop-BridgeHelper
}
