function Add-BridgeJournalEntry {
    <#
    .SYNOPSIS
        Remember a state-changing call so a restarted helper can be brought back to it.
    .DESCRIPTION
        The journal is process-wide, like the helper (Get-BridgeSubprocessState): a call in
        any runspace is replayed for everyone. Only the latest sign-in is kept
        (Disconnect-MgGraph forgets it); environment, request-context and profile calls
        are kept in order.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)][string]$Op,
        [Parameter(Mandatory)][System.Collections.IDictionary]$Arguments,
        [switch]$Interactive
    )
    $journal = (Get-BridgeSubprocessState).Journal
    [System.Threading.Monitor]::Enter($journal)
    try {
        if ($Op -in 'connect', 'disconnect') {
            for ($i = $journal.Count - 1; $i -ge 0; $i--) {
                if ($journal[$i].Op -eq 'connect') { $journal.RemoveAt($i) }
            }
            if ($Op -eq 'disconnect') { return }
        }
        $journal.Add([pscustomobject]@{ Op = $Op; Args = $Arguments; Interactive = [bool]$Interactive })
    } finally {
        [System.Threading.Monitor]::Exit($journal)
    }
}
