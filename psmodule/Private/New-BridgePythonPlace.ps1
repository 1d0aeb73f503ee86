function New-BridgePythonPlace {
    # One place Find-BridgePython looked: the interpreter's path (empty when there was none),
    # where the path came from, and a note on why it is missing.
    param([string]$Path, [string]$Source, [string]$Note)
    [pscustomobject]@{ Path = $Path; Source = $Source; Note = $Note }
}
