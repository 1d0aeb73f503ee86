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

        Only the cheap, explicit choices are tried here ($env:MGBRIDGE_PYTHON, then the
        interpreter recorded at install, then $env:VIRTUAL_ENV, then the checkout's .venv):
        a search of PATH costs the import more than it saves. This is a guess, checked at the first call: Start-BridgeHelper
        takes the helper over only if it runs the interpreter Find-BridgePython chooses,
        with the same PYTHONPATH, and ends it otherwise. Another runspace already starting
        a helper wins. Never fails the import: problems are left for the first call.
    #>
    try {
        if ((Get-BridgeTransport) -ne 'subprocess') { return }
        $state = Get-BridgeSubprocessState
        if ($state.Helper -or $state['Early'] -or $state['Starting']) { return }
        $exe = if ($IsWindows) { 'Scripts\python.exe' } else { 'bin/python' }
        $python = $null
        foreach ($path in $env:MGBRIDGE_PYTHON, (Get-BridgeRecordedPython).Python,
            $(if ($env:VIRTUAL_ENV) { [System.IO.Path]::Combine($env:VIRTUAL_ENV, $exe) }),
            $(if (-not $script:BridgeRelease) { [System.IO.Path]::Combine((Get-BridgeRepositoryRoot), '.venv', $exe) })) {
            if ($path) {
                if ([System.IO.File]::Exists($path)) { $python = $path }
                break  # the first choice that is set decides: the guess must be Find-BridgePython's
            }
        }
        if (-not $python) { return }
        $lock = $state.Lock
        if (-not [System.Threading.Monitor]::TryEnter($lock, 0)) { return }
        try {
            if ($state.Helper -or $state['Early']) { return }
            $environment = New-BridgeHelperEnvironment
            $helper = [MgBridge.HelperProcess]::new($python, [string[]]@('-m', 'bridge.protocol'), $environment, $null)
            $helper.Expect(0)
            $null = $helper.Send('{"v":1,"id":0,"op":"hello"}')
            $state['Early'] = [pscustomobject]@{ Helper = $helper; Key = "$python|$($environment['PYTHONPATH'])" }
        } finally {
            [System.Threading.Monitor]::Exit($lock)
        }
    } catch {
        Write-Verbose "MgBridge: no helper started at import ($($_.Exception.Message)); the first call starts one."
    }
}
