function Test-BridgeCoexistence {
    <#
    .SYNOPSIS
        Warn once when Microsoft's Microsoft.Graph.Authentication is loaded next to MgBridge.
    .DESCRIPTION
        The decided behaviour (docs/guide.md, "Migrating from Microsoft.Graph"): both
        modules export Connect-MgGraph, Get-MgContext and friends; whichever was imported
        last answers to the unqualified name, and the two never share a connection.
        New-MgApplicationSynchronizationJob from MgBridge uses only MgBridge's connection.
        Checked at Connect-MgGraph rather than at import, to keep import fast.
    #>
    if ($script:BridgeCoexistenceChecked) { return }
    $script:BridgeCoexistenceChecked = $true
    if (Get-Module -Name Microsoft.Graph.Authentication) {
        Write-Warning ('MgBridge: Microsoft.Graph.Authentication is also loaded. The two modules do not ' +
            'share a connection: MgBridge\New-MgApplicationSynchronizationJob uses MgBridge\Connect-MgGraph''s. ' +
            'Unqualified names go to the module imported last; use module-qualified names ' +
            '(MgBridge\Connect-MgGraph, Microsoft.Graph.Authentication\Connect-MgGraph) or remove one module.')
    }
}
