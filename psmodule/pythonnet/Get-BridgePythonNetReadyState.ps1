function Get-BridgePythonNetReadyState {
    <#
    .SYNOPSIS
        The process's running embedded Python (the pythonnet state with its host loaded),
        started on first use.
    .DESCRIPTION
        What Invoke-BridgePythonNet and Send-BridgePythonNetMessage send through. When Python
        is not up yet, Initialize-BridgePythonNet starts it; when it cannot start in this
        process, this throws an ErrorRecord with id MgBridgePythonNetUnavailable (category
        ResourceUnavailable), which Invoke-BridgeCore turns into the fall-back to the
        subprocess transport.
    .OUTPUTS
        System.Collections.Hashtable (Get-BridgePythonNetState's, initialized)
    #>
    [CmdletBinding()]
    [OutputType([hashtable])]
    param()
    $state = [MgBridge.PythonNetCall]::ReadyState()
    if ($null -ne $state) { return $state }
    try {
        Initialize-BridgePythonNet
    } catch {
        $PSCmdlet.ThrowTerminatingError([System.Management.Automation.ErrorRecord]::new(
            [System.InvalidOperationException]::new($_.Exception.Message, $_.Exception),
            'MgBridgePythonNetUnavailable', [System.Management.Automation.ErrorCategory]::ResourceUnavailable, $null))
    }
}
