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
    # The fields the core sent (a missing one reads as $null; names are case-insensitive).
    $field = @{}
    foreach ($property in $ErrorInfo.PSObject.Properties) { $field[$property.Name] = $property.Value }
    $exception = [MgBridge.BridgeException]::new([string]$field['message'])
    $exception.ErrorType = $field['type']
    $exception.ErrorId = $field['errorId']
    $exception.Code = $field['code']
    $exception.Status = $field['status']
    $exception.RequestId = $field['requestId']
    $exception.ClientRequestId = $field['clientRequestId']
    $exception.Date = $field['date']
    $exception.Parameter = $field['parameter']
    $exception.Path = $field['path']
    $exception.Expected = $field['expected']
    $category = [System.Management.Automation.ErrorCategory]::NotSpecified
    [void][System.Enum]::TryParse([string]$field['category'], $true, [ref]$category)
    $errorId = [string]$field['errorId']
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
