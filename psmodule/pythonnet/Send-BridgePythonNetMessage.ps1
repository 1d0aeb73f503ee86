function Send-BridgePythonNetMessage {
    <#
    .SYNOPSIS
        The pythonnet transport with Send-BridgeSubprocessMessage's contract: a message
        dictionary in, the decoded response out.
    .DESCRIPTION
        What Invoke-BridgeCore calls for the 'pythonnet' transport:
        [MgBridge.PythonNetCall]::Send (psmodule/custom/PythonNetCall.cs, also CreateCall's
        pythonnet path) sets 'v' and a fresh 'id' (the process-wide counter,
        [MgBridge.BridgeRequestId]), encodes with the module's codec ([MgBridge.BridgeJson]),
        shows device-code prompts as Write-Host does as they come, and decodes the answer
        into the same objects the subprocess transport returns.

        Throws an ErrorRecord with id MgBridgePythonNetUnavailable when Python cannot be
        started in this process; every other failure is a response with ok = $false.
    .PARAMETER Message
        The request: op, args, debug (v and id are set here).
    .OUTPUTS
        PSCustomObject: the response message.
    .EXAMPLE
        (Send-BridgePythonNetMessage -Message @{ op = 'hello' }).result.protocol
    #>
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param([Parameter(Mandatory)][System.Collections.IDictionary]$Message)

    $state = Get-BridgePythonNetReadyState
    [MgBridge.PythonNetCall]::Send($state, $Message, [MgBridge.BridgeRequestId]::Next(), $PSCmdlet)
}
