function Get-BridgeRecordedPython {
    <#
    .SYNOPSIS
        The interpreter 'python -m bridge.powershell install' recorded for this module, if any.
    .DESCRIPTION
        That command writes python.json ({"python": <sys.executable>, ...}) beside the
        manifest of the copy it installs. Returns the record's path and interpreter (Python
        empty when there is no usable record). Read with System.Text.Json: this runs at import.
    #>
    $record = [System.IO.Path]::Combine($script:ModuleRoot, 'python.json')
    $python = $null
    if ([System.IO.File]::Exists($record)) {
        try {
            $document = [System.Text.Json.JsonDocument]::Parse([System.IO.File]::ReadAllText($record))
            try { $python = $document.RootElement.GetProperty('python').GetString() } finally { $document.Dispose() }
        } catch {
            $python = $null
        }
    }
    [pscustomobject]@{ Record = $record; Python = $python }
}
