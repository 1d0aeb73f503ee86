function Set-MgRequestContext {
    <#
    .SYNOPSIS
        Set the retry budget and client timeout of later Graph requests in this session.
    .DESCRIPTION
        As the SDK's Set-MgRequestContext: only the values given change. Returns the
        resulting request context.
    .PARAMETER MaxRetry
        Retries after the first attempt for throttled (429) or unavailable (503/504) answers, 0-10 (default 3).
    .PARAMETER RetryDelay
        Seconds, the base of the retry backoff, 0-180 (default 3).
    .PARAMETER RetriesTimeLimit
        Seconds the retries may take in total, 0-180 (0 = 180).
    .PARAMETER ClientTimeout
        Seconds for each HTTP request (default 300).
    .EXAMPLE
        Set-MgRequestContext -MaxRetry 5 -RetryDelay 1 -ClientTimeout 60
    .LINK
        https://learn.microsoft.com/powershell/module/microsoft.graph.authentication/set-mgrequestcontext
    #>
    [CmdletBinding(SupportsShouldProcess = $true)]
    [OutputType([pscustomobject])]
    param(
        [int]$MaxRetry,
        [int]$RetryDelay,
        [int]$RetriesTimeLimit,
        [double]$ClientTimeout
    )
    $arguments = [ordered]@{ action = 'set' }
    if ($PSBoundParameters.ContainsKey('MaxRetry')) { $arguments.maxRetry = $MaxRetry }
    if ($PSBoundParameters.ContainsKey('RetryDelay')) { $arguments.retryDelay = $RetryDelay }
    if ($PSBoundParameters.ContainsKey('RetriesTimeLimit')) { $arguments.retriesTimeLimit = $RetriesTimeLimit }
    if ($PSBoundParameters.ContainsKey('ClientTimeout')) { $arguments.clientTimeout = $ClientTimeout }
    if (-not $PSCmdlet.ShouldProcess('request context', 'Set')) { return }
    $result = Invoke-BridgeOperation -Cmdlet $PSCmdlet -Op 'request_context' -Arguments $arguments -Journal
    $result.requestContext
}
