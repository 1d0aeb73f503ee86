function Find-BridgePythonNetInterpreter {
    # The interpreter candidates: the module's own list (Find-BridgePython) when it is
    # loaded, so both transports pick the same Python; else the same rule, here.
    param([string]$RepositoryRoot)
    if (Get-Command -Name Find-BridgePython -CommandType Function -ErrorAction Ignore) {
        return Find-BridgePython
    }
    $exe = if ($IsWindows) { 'Scripts\python.exe' } else { 'bin/python' }
    $list = [System.Collections.Generic.List[object]]::new()
    if ($env:MGBRIDGE_PYTHON) { $list.Add([pscustomobject]@{ Path = $env:MGBRIDGE_PYTHON; Source = '$env:MGBRIDGE_PYTHON' }) }
    if ($env:VIRTUAL_ENV) { $list.Add([pscustomobject]@{ Path = (Join-Path $env:VIRTUAL_ENV $exe); Source = '$env:VIRTUAL_ENV' }) }
    if ($RepositoryRoot) {
        $venv = Join-Path $RepositoryRoot ".venv/$exe"
        if (Test-Path -LiteralPath $venv) { $list.Add([pscustomobject]@{ Path = $venv; Source = 'the checkout''s .venv' }) }
    }
    foreach ($name in 'python3', 'python') {
        $found = Get-Command -Name $name -CommandType Application -ErrorAction Ignore | Select-Object -First 1
        if ($found) { $list.Add([pscustomobject]@{ Path = $found.Source; Source = "$name on PATH" }) }
    }
    $seen = @{}
    foreach ($c in $list) { if (-not $seen.ContainsKey($c.Path)) { $seen[$c.Path] = $true; $c } }
}
