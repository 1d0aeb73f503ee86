function Start-BridgeHelper {
    <#
    .SYNOPSIS
        Start the process's Python helper (python -m bridge.protocol) and say hello.
    .DESCRIPTION
        Tries the interpreters of Find-BridgePython in order and keeps the first whose
        helper answers 'hello' with protocol version 1. The helper gets no secrets in its
        arguments or environment (the secret variables of this process are removed from
        the environment it inherits): only '-m bridge.protocol', and PYTHONPATH pointing at
        this checkout when the module runs from one (so shim and core always match).
        The helper is shared by every runspace of the process (Get-BridgeSubprocessState);
        the caller holds the process-wide request lock. When an earlier helper had died,
        the process-wide journal of state-changing calls (environments, request context,
        profile, connection) is replayed.

        A helper started at Import-Module ([MgBridge.HelperLauncher]::StartAtImport) is taken
        over before this runs when it fits ([MgBridge.HelperLauncher]::TakeOver, from
        Send-BridgeSubprocessMessage); one still there when this runs did not fit, and is ended.
        Each new helper's 'hello' is checked by [MgBridge.HelperLauncher]::Greet, as the
        take-over's is.
    #>
    [CmdletBinding()]
    param([string]$Reason)

    $state = Get-BridgeSubprocessState

    $env = New-BridgeHelperEnvironment
    $early = $state['Early']
    $state['Early'] = $null
    if ($early -and $early.Helper) { $early.Helper.Kill(); $early.Helper.Dispose() }  # started for other settings
    $failures = [System.Collections.Generic.List[string]]::new()
    foreach ($candidate in Find-BridgePython -IncludeMissing) {
        if (-not $candidate.Path) {
            $failures.Add("$($candidate.Source): $($candidate.Note)")
            continue
        }
        # .NET first: Test-Path's first use loads a module (~30 ms); it still decides for the rest.
        if (-not [System.IO.File]::Exists($candidate.Path) -and -not (Test-Path -LiteralPath $candidate.Path)) {
            $failures.Add("$($candidate.Source): $($candidate.Path) does not exist")
            continue
        }
        $helper = $null
        try {
            $helper = [MgBridge.HelperProcess]::new($candidate.Path, [string[]]@('-m', 'bridge.protocol'), $env, $null)
            $helper.Expect(0)
            $null = $helper.Send('{"v":1,"id":0,"op":"hello"}')
            # This thread would only wait while Python starts: load the format data meanwhile.
            # (A failure here is left for the first output to report.)
            if (-not $script:BridgeFormatDataLoaded) { try { Import-BridgeFormatData } catch { $script:BridgeFormatDataLoaded = $false } }
            $detail = [MgBridge.HelperLauncher]::Greet($state, $helper, $candidate.Path, $candidate.Source, $PSCmdlet)
        } catch {
            $detail = $_.Exception.GetBaseException().Message
        }
        if (-not $detail) { break }
        if ($helper) {
            $tail = ($helper.StderrTail -split "`n" | Where-Object { $_ } | Select-Object -Last 1)
            if ($tail) { $detail = "$detail ($tail)" }
            $helper.Kill()
        }
        $failures.Add("$($candidate.Source): $($candidate.Path): $detail")
    }
    if (-not $state.Helper) {
        $version = Get-BridgeModuleVersion
        $message = "MgBridge $version needs its Python core, the Python package mgbridge " +
            "$version, and found no Python that has it. Looked in:`n  " + ($failures -join "`n  ") +
            "`nFix: install the core into a Python 3.9 or later, then point the module at that Python " +
            "(a virtual environment is best):`n  python3 -m venv ~/.venvs/mgbridge`n" +
            "  ~/.venvs/mgbridge/bin/python -m pip install mgbridge==$version`n" +
            "  `$env:MGBRIDGE_PYTHON = '$HOME/.venvs/mgbridge/bin/python'   # or: ~/.venvs/mgbridge/bin/python -m bridge.powershell install" +
            $(if (-not $script:BridgeRelease) { "`nIn the checkout, bash .ci/bootstrap makes its .venv." } else { '' })
        throw [System.Management.Automation.ErrorRecord]::new(
            [System.InvalidOperationException]::new($message), 'MgBridgePythonNotFound',
            [System.Management.Automation.ErrorCategory]::NotInstalled, $null)
    }
    if ($Reason) { Write-Warning $Reason }
    Restore-BridgeSession
}
