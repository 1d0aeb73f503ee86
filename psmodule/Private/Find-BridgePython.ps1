function Find-BridgePython {
    <#
    .SYNOPSIS
        The Python interpreters that may run the helper, in the order they are tried.
    .DESCRIPTION
        1. $env:MGBRIDGE_PYTHON: an explicit setting always wins.
        2. The active virtual environment ($env:VIRTUAL_ENV).
        3. The .venv of the checkout this module lives in (scripts set it up).
        4. python3, then python, on PATH.
        Each is only a candidate: Start-BridgeHelper keeps the first one whose helper
        answers 'hello' (that is, can import the bridge package and its dependencies).
    #>
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param()
    $exe = if ($IsWindows) { 'Scripts\python.exe' } else { 'bin/python' }
    $candidates = [System.Collections.Generic.List[object]]::new()
    if ($env:MGBRIDGE_PYTHON) {
        $candidates.Add([pscustomobject]@{ Path = $env:MGBRIDGE_PYTHON; Source = '$env:MGBRIDGE_PYTHON' })
    }
    if ($env:VIRTUAL_ENV) {
        $candidates.Add([pscustomobject]@{ Path = (Join-Path $env:VIRTUAL_ENV $exe); Source = '$env:VIRTUAL_ENV' })
    }
    $repoVenv = Join-Path (Get-BridgeRepositoryRoot) ".venv/$exe"
    if (Test-Path -LiteralPath $repoVenv) {
        $candidates.Add([pscustomobject]@{ Path = $repoVenv; Source = 'the checkout''s .venv' })
    }
    foreach ($name in 'python3', 'python') {
        $found = Get-Command -Name $name -CommandType Application -ErrorAction SilentlyContinue |
            Select-Object -First 1
        if ($found) { $candidates.Add([pscustomobject]@{ Path = $found.Source; Source = "$name on PATH" }) }
    }
    $seen = @{}
    foreach ($candidate in $candidates) {
        if ($seen.ContainsKey($candidate.Path)) { continue }
        $seen[$candidate.Path] = $true
        $candidate
    }
}
