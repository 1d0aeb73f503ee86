function ConvertTo-BridgeErrorRecord {
    <#
    .SYNOPSIS
        An ErrorRecord from a protocol error object, as the core described it.
    .DESCRIPTION
        The errorId and category come from the core's one table (bridge/protocol/_errors.py);
        nothing is interpreted here. With -ParameterSet (New-MgApplicationSynchronizationJob)
        the FullyQualifiedErrorId is the SDK's
        '<errorId>,Microsoft.Graph.PowerShell.Cmdlets.NewMgApplicationSynchronizationJob_<Set>'.
    #>
    [CmdletBinding()]
    [OutputType([System.Management.Automation.ErrorRecord])]
    param(
        [Parameter(Mandatory)]$ErrorInfo,
        [string]$ParameterSet
    )
    function Get-Field($name) {
        $property = $ErrorInfo.PSObject.Properties[$name]
        if ($property) { $property.Value }
    }
    $exception = [MgBridge.BridgeException]::new([string](Get-Field 'message'))
    $exception.ErrorType = Get-Field 'type'
    $exception.ErrorId = Get-Field 'errorId'
    $exception.Code = Get-Field 'code'
    $exception.Status = Get-Field 'status'
    $exception.RequestId = Get-Field 'requestId'
    $exception.ClientRequestId = Get-Field 'clientRequestId'
    $exception.Date = Get-Field 'date'
    $exception.Parameter = Get-Field 'parameter'
    $exception.Path = Get-Field 'path'
    $exception.Expected = Get-Field 'expected'
    $category = [System.Management.Automation.ErrorCategory]::NotSpecified
    [void][System.Enum]::TryParse([string](Get-Field 'category'), $true, [ref]$category)
    $errorId = [string](Get-Field 'errorId')
    if (-not $errorId) { $errorId = 'BridgeError' }
    $fqid = if ($ParameterSet) {
        "$errorId,Microsoft.Graph.PowerShell.Cmdlets.NewMgApplicationSynchronizationJob_$ParameterSet"
    }
    $target = if ($exception.Path) { $exception.Path } elseif ($exception.Parameter) { $exception.Parameter } else { $null }
    $record = [MgBridge.BridgeErrors]::Create($exception, $errorId, $category, $target, $fqid)
    if ($exception.Expected) { $record.ErrorDetails = [System.Management.Automation.ErrorDetails]::new($exception.Message) }
    if ($record.ErrorDetails -and $exception.Expected) {
        $record.ErrorDetails.RecommendedAction = "Give $($exception.Expected)."
    }
    if ($exception.Status) {
        $details = "$($exception.Message)`n`nStatus: $($exception.Status)`nErrorCode: $($exception.Code)" +
            $(if ($exception.RequestId) { "`nrequest-id: $($exception.RequestId)" } else { '' }) +
            $(if ($exception.ClientRequestId) { "`nclient-request-id: $($exception.ClientRequestId)" } else { '' }) +
            $(if ($exception.Date) { "`nDate: $($exception.Date)" } else { '' })
        $record.ErrorDetails = [System.Management.Automation.ErrorDetails]::new($details)
    }
    $record
}
