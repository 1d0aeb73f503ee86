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

        A helper started at Import-Module ([MgBridge.HelperLauncher]::StartAtImport) is usually taken over
        before this runs ([MgBridge.HelperLauncher]::TakeOver, from Send-BridgeSubprocessMessage).
        Here it is taken over when it runs the candidate tried with the same PYTHONPATH (so
        after a restart, with a journal to replay): its 'hello' answer is read instead of
        starting another process; otherwise it is ended. When it runs the interpreter the
        search would try first ([MgBridge.HelperLauncher]::FirstChoice, worked out again at
        this call), it is taken over without running the search at all.
    #>
    [CmdletBinding()]
    param([string]$Reason)

    $state = Get-BridgeSubprocessState

    $env = New-BridgeHelperEnvironment
    $early = $state['Early']
    $state['Early'] = $null
    $failures = [System.Collections.Generic.List[string]]::new()
    # A helper started at import for the interpreter the search would try first (worked out
    # again now, in C#): take it over without the search, whose PowerShell steps cost a
    # first call 80-250 ms at load (docs/performance.md). If it fails, the full search follows.
    $first = if ($early) { [MgBridge.HelperLauncher]::FirstChoice($script:ModuleRoot, $script:BridgeRelease) }
    $searched = -not ($first -and $first.Key -ceq $early.Key)
    $candidates = if ($searched) { Find-BridgePython -IncludeMissing } else { $first }
    while ($true) {
        foreach ($candidate in $candidates) {
            if (-not $candidate.Path) {
                $failures.Add("$($candidate.Source): $($candidate.Note)")
                continue
            }
            # .NET first: Test-Path's first use loads a module (~30 ms); it still decides for the rest.
            if (-not [System.IO.File]::Exists($candidate.Path) -and -not (Test-Path -LiteralPath $candidate.Path)) {
                $failures.Add("$($candidate.Source): $($candidate.Path) does not exist")
                continue
            }
            $key = "$($candidate.Path)|$($env['PYTHONPATH'])"
            $helper = $null
            try {
                if ($early -and $early.Key -eq $key) {
                    $helper = $early.Helper  # started at import; its 'hello' is on its way ($null: it could not start)
                    $early = $null
                }
                if (-not $helper) {
                    $helper = [MgBridge.HelperProcess]::new($candidate.Path, [string[]]@('-m', 'bridge.protocol'), $env, $null)
                    $helper.Expect(0)
                    $null = $helper.Send('{"v":1,"id":0,"op":"hello"}')
                }
                # This thread would only wait while Python starts: load the format data meanwhile.
                # (A failure here is left for the first output to report.)
                if (-not $script:BridgeFormatDataLoaded) { try { Import-BridgeFormatData } catch { $script:BridgeFormatDataLoaded = $false } }
                $line = $null
                $deadline = [datetime]::UtcNow.AddSeconds(60)
                while ($null -eq $line -and -not $helper.Ended(0) -and [datetime]::UtcNow -lt $deadline) { $line = $helper.Receive(0, 50) }
                $helper.Forget(0)
                if ($null -eq $line) {
                    throw $(if ($helper.Ended(0)) { 'the helper exited at start' } else { "no answer to 'hello' within 60 seconds" })
                }
                $hello = [MgBridge.BridgeJson]::Decode($line)
                if (-not $hello.ok) { throw $hello.error.message }
                if ($hello.result.protocol -ne 1) {
                    throw "it speaks protocol version $($hello.result.protocol); this module speaks 1"
                }
                $state.Helper = $helper
                $state.Info = [pscustomobject]@{
                    Pid = $helper.Id; Python = $candidate.Path; Source = $candidate.Source
                    PythonVersion = $hello.result.python; Package = $hello.result.package
                    Protocol = $hello.result.protocol
                }
                Write-Verbose ("MgBridge: started the Python helper (pid {0}, {1} from {2}, Python {3}, protocol {4})" -f
                    $helper.Id, $candidate.Path, $candidate.Source, $hello.result.python, $hello.result.protocol)
                break
            } catch {
                $detail = $_.Exception.Message
                if ($helper) {
                    $tail = ($helper.StderrTail -split "`n" | Where-Object { $_ } | Select-Object -Last 1)
                    if ($tail) { $detail = "$detail ($tail)" }
                    $helper.Kill()
                }
                $failures.Add("$($candidate.Source): $($candidate.Path): $detail")
            }
        }
        if ($state.Helper -or $searched) { break }
        $searched = $true
        $failures.Clear()  # the search tries that interpreter again and reports it in its turn
        $candidates = Find-BridgePython -IncludeMissing
    }
    if ($early -and $early.Helper) { $early.Helper.Kill(); $early.Helper.Dispose() }  # started for other settings
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
