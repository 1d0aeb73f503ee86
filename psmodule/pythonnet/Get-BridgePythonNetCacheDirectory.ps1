function Get-BridgePythonNetCacheDirectory {
    # The module's cache folder (the same rule as MgBridge.psm1's compiled types).
    if ($env:MGBRIDGE_CACHE) { $env:MGBRIDGE_CACHE }
    elseif ($IsWindows) { [System.IO.Path]::Combine($env:LOCALAPPDATA, 'mgbridge') }
    elseif ($env:XDG_CACHE_HOME) { [System.IO.Path]::Combine($env:XDG_CACHE_HOME, 'mgbridge') }
    else { [System.IO.Path]::Combine($HOME, '.cache', 'mgbridge') }
}
