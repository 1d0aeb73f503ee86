function Get-MgRequestContext {
    <#
    .SYNOPSIS
        The retry budget and client timeout used by Graph requests in this session.
    .DESCRIPTION
        ClientTimeout, RetryDelay, MaxRetry and RetriesTimeLimit (seconds), as Set-MgRequestContext left them.
    .EXAMPLE
        Get-MgRequestContext
    .LINK
        https://learn.microsoft.com/powershell/module/microsoft.graph.authentication/get-mgrequestcontext
    #>
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param()
    (Invoke-BridgeOperation -Cmdlet $PSCmdlet -Op 'request_context' -Arguments ([ordered]@{ action = 'get' })).requestContext
}
