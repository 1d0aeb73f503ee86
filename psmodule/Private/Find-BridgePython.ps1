function Find-BridgePython {
    <#
    .SYNOPSIS
        The Python interpreters that may run the core, in the order they are tried.
    .DESCRIPTION
        1. $env:MGBRIDGE_PYTHON: an explicit setting always wins.
        2. The interpreter recorded when this module was installed from the Python package
           ('python -m bridge.powershell install' writes python.json beside the manifest).
        3. The active virtual environment ($env:VIRTUAL_ENV).
        4. The .venv of the checkout this module lives in (scripts set it up).
        5. python3, then python, on PATH.
        Each is only a candidate: Start-BridgeHelper keeps the first one whose helper
        answers 'hello' (that is, can import the bridge package and its dependencies).
    .PARAMETER IncludeMissing
        Also list, with an empty Path and a Note, each place that had no interpreter, so
        an error can name every place looked.
    #>
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param([switch]$IncludeMissing)
    $exe = if ($IsWindows) { 'Scripts\python.exe' } else { 'bin/python' }
    # Every place looked, in order (an empty Path: none there).
    $candidates = @(
        if ($env:MGBRIDGE_PYTHON) { New-BridgePythonPlace $env:MGBRIDGE_PYTHON '$env:MGBRIDGE_PYTHON' }
        else { New-BridgePythonPlace '' '$env:MGBRIDGE_PYTHON' 'not set' }
        $recorded = Get-BridgeRecordedPython
        if ($recorded.Python) { New-BridgePythonPlace $recorded.Python "the interpreter recorded at install ($($recorded.Record))" }
        else { New-BridgePythonPlace '' 'the interpreter recorded by python -m bridge.powershell install' "none ($($recorded.Record))" }
        if ($env:VIRTUAL_ENV) { New-BridgePythonPlace (Join-Path $env:VIRTUAL_ENV $exe) '$env:VIRTUAL_ENV' }
        else { New-BridgePythonPlace '' '$env:VIRTUAL_ENV' 'not set' }
        if (-not $script:BridgeRelease) {
            $repoVenv = Join-Path (Get-BridgeRepositoryRoot) ".venv/$exe"
            if (Test-Path -LiteralPath $repoVenv) { New-BridgePythonPlace $repoVenv 'the checkout''s .venv' }
            else { New-BridgePythonPlace '' 'the checkout''s .venv' "none ($repoVenv)" }
        }
        foreach ($name in 'python3', 'python') {
            $found = Get-Command -Name $name -CommandType Application -ErrorAction SilentlyContinue |
                Select-Object -First 1
            if ($found) { New-BridgePythonPlace $found.Source "$name on PATH" }
            else { New-BridgePythonPlace '' "$name on PATH" 'not found' }
        }
    )
    $seen = @{}
    foreach ($candidate in $candidates) {
        if (-not $candidate.Path) {
            if ($IncludeMissing) { $candidate }
            continue
        }
        if ($seen.ContainsKey($candidate.Path)) { continue }
        $seen[$candidate.Path] = $true
        $candidate
    }
}
