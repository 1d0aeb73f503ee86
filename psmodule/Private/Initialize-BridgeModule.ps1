function Initialize-BridgeModule {
    <#
    .SYNOPSIS
        Set this module instance's state; the last step of importing MgBridge.
    .DESCRIPTION
        Run once by the loader (MgBridge.psm1, in a checkout or the release build) after
        the types and functions are in place. Nothing here starts Python or reads the
        file system itself: import stays cheap. It only starts, in the background, the
        codec's JIT for the first call (the loader has started the helper process already).
    .PARAMETER Transport
        Import-Module MgBridge -ArgumentList <transport>: 'auto', 'pythonnet' or 'subprocess'.
    #>
    param([string]$Transport)
    # The version this module is (Get-BridgeModuleVersion, read on first use: the manifest's
    # ModuleVersion is set only once the import is done); the core must be the same
    # (Test-BridgeCoreVersion, at the first call through each transport).
    $script:ModuleVersion = $null
    $script:BridgeCoreChecked = @{}

    $script:BridgePythonNetLoaded = $false
    $script:BridgeFormatDataLoaded = $false  # Import-BridgeFormatData, before the first job is output
    # The subprocess transport's helper process and the journal of state-changing calls
    # replayed after a helper restart are process-wide, shared by every runspace like
    # Microsoft's Graph session (Get-BridgeSubprocessState, in AppDomain data); this module
    # instance (one per runspace) only caches the reference.
    $script:BridgeSubprocessState = $null
    # The transport (Get-BridgeTransport): the -ArgumentList setting, the resolved
    # transport and the $env:MGBRIDGE_TRANSPORT value it was resolved for, and why
    # pythonnet could not run (then the module uses subprocess).
    $script:BridgeTransportArgument = if ($Transport) { $Transport.ToLowerInvariant() } else { $null }
    $script:BridgeTransport = $null
    $script:BridgeTransportSetting = $null
    $script:BridgeTransportRequested = $null
    $script:BridgeTransportFallback = $null

    # Where the checkout is (for the helper's PYTHONPATH and .venv) is worked out on
    # first use (Get-BridgeRepositoryRoot), not here.
    $script:ModuleRealRoot = $null
    $script:BridgeCoexistenceChecked = $false

    # Removing the module does not end the helper: other runspaces of this process may be
    # using it (and a re-import picks it up again). It exits on its own when its stdin
    # closes, that is when pwsh exits.

    # Work for the first call, started in the background so that it overlaps the rest of the
    # session until then: the JIT of the message codec, here; the subprocess helper, by the
    # loader as soon as the types are loaded ([MgBridge.HelperLauncher]::StartAtImport).
    [MgBridge.BridgeJson]::PrepareInBackground()
}
