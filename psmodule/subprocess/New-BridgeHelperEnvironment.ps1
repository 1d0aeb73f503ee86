function New-BridgeHelperEnvironment {
    <#
    .SYNOPSIS
        The environment changes for a new helper process (a hashtable; $null removes a name).
    .DESCRIPTION
        UTF-8 pipes without buffering; no secrets: the secret variables of this process are
        removed from what the helper inherits (/proc/<pid>/environ), since Connect-MgGraph
        sends the session's values inside the message when a sign-in needs them; and, when
        the module runs from a checkout, PYTHONPATH starting with it (so shim and core match).
    #>
    $env = @{ PYTHONIOENCODING = 'utf-8'; PYTHONUNBUFFERED = '1' }
    foreach ($name in 'AZURE_CLIENT_SECRET', 'AZURE_CLIENT_CERTIFICATE_PASSWORD', 'AZURE_PASSWORD',
        'IDENTITY_HEADER', 'MSI_SECRET') { $env[$name] = $null }
    # A release build never looks outside its own folder.
    $repo = if (-not $script:BridgeRelease) { Get-BridgeRepositoryRoot }
    if ($repo -and [System.IO.File]::Exists([System.IO.Path]::Combine($repo, 'bridge', '__init__.py'))) {
        $sep = [System.IO.Path]::PathSeparator
        $env.PYTHONPATH = if ($env:PYTHONPATH) { "$repo$sep$env:PYTHONPATH" } else { $repo }
    }
    $env
}
