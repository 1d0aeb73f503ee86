function Add-BridgeJournalEntry {
    <#
    .SYNOPSIS
        Remember a state-changing call so a restarted helper can be brought back to it.
    .DESCRIPTION
        Only the latest sign-in is kept (Disconnect-MgGraph forgets it); environment,
        request-context and profile calls are kept in order.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)][string]$Op,
        [Parameter(Mandatory)][System.Collections.IDictionary]$Arguments,
        [switch]$Interactive
    )
    if ($Op -in 'connect', 'disconnect') {
        $script:BridgeJournal.RemoveAll([Predicate[object]] { param($e) $e.Op -eq 'connect' }) | Out-Null
        if ($Op -eq 'disconnect') { return }
    }
    $script:BridgeJournal.Add([pscustomobject]@{ Op = $Op; Args = $Arguments; Interactive = [bool]$Interactive })
}
