function Import-BridgeFormatData {
    <#
    .SYNOPSIS
        Load the module's format data (generated/MgBridge.format.ps1xml) into this runspace, once.
    .DESCRIPTION
        The default table view (Id, TemplateId) of the output type, as the SDK's format data,
        is loaded before the first job is output, not at Import-Module (FormatsToProcess):
        loading format data builds the runspace's format table, ~0.1 s on a quiet machine
        and ~1 s at load 13, which an import, and a script that never shows a job, need not
        pay (docs/performance.md, import). The first helper start loads it while Python starts,
        and the first sign-in or create while its request is out (Invoke-BridgeCore).
        Loading the same file again (a re-import) changes nothing. Never previewed or
        confirmed: the caller's -WhatIf/-Confirm are about the Graph request, not this.
    #>
    $script:BridgeFormatDataLoaded = $true
    # The cmdlet itself rather than its name: the name would auto-load the whole
    # Microsoft.PowerShell.Utility module, 100-150 ms on a session's first call when nothing
    # loaded it yet, against ~30 ms for the update itself (docs/performance.md, first call).
    $update = try { [System.Management.Automation.CmdletInfo]::new('Update-FormatData', [Microsoft.PowerShell.Commands.UpdateFormatDataCommand]) } catch { 'Update-FormatData' }
    & $update -AppendPath ([System.IO.Path]::Combine($script:ModuleRoot, 'generated', 'MgBridge.format.ps1xml')) -WhatIf:$false -Confirm:$false
}
