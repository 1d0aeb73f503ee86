function Start-BridgeHelperAtImport {
    <#
    .SYNOPSIS
        At Import-Module: start the subprocess helper in the background when it will be used.
    .DESCRIPTION
        When this module instance uses the subprocess transport and the process has no
        helper yet, a helper is started and sent 'hello' without waiting for the answer,
        so Python starts and imports the core on the other core while PowerShell finishes
        the import and runs the script's first lines; Start-BridgeHelper takes it over at
        the first call (docs/performance.md, cold start).

        The work is one call into [MgBridge.HelperLauncher] (C#): at import every PowerShell
        step pays its first-time compile cost, and the spawn runs on a thread-pool thread.
        Only the cheap, explicit interpreter choices are tried ($env:MGBRIDGE_PYTHON, then the
        interpreter recorded at install, then $env:VIRTUAL_ENV, then the checkout's .venv).
        This is a guess, checked at the first call: Start-BridgeHelper takes the helper over
        only if it runs the interpreter Find-BridgePython chooses, with the same PYTHONPATH,
        and ends it otherwise. Another runspace already starting a helper wins. Never fails
        the import: problems are left for the first call.
    #>
    [MgBridge.HelperLauncher]::StartAtImport([MgBridge.HelperLauncher]::SharedState(), $script:ModuleRoot,
        $script:BridgeRelease, $script:BridgeTransportArgument)
}
