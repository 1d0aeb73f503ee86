function Send-BridgePythonNetMessage {
    <#
    .SYNOPSIS
        The pythonnet transport with Send-BridgeSubprocessMessage's contract: a message
        dictionary in, the decoded response out.
    .DESCRIPTION
        What Invoke-BridgeCore calls for the 'pythonnet' transport: sets 'v' and a fresh
        'id' (the process-wide counter when the module is loaded), encodes with the module's codec
        ([MgBridge.BridgeJson]), sends through Invoke-BridgePythonNet, shows device-code
        prompts with Write-Host as they come, and decodes the answer into the same
        objects the subprocess transport returns. Without the module's codec loaded (the
        transport's own tests), ConvertTo-Json/ConvertFrom-Json stand in.

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

    $codec = $script:BridgePythonNetCodec
    # Inside the module the process-wide request counter, else (the transport's own tests) ours.
    if ($script:BridgePythonNetInModule) {
        $id = [MgBridge.BridgeRequestId]::Next()
    } else {
        $id = ++$script:BridgePythonNetNextId
    }
    $Message['v'] = 1
    $Message['id'] = $id
    $text = if ($codec) { $codec::Encode($Message) } else { $Message | ConvertTo-Json -Compress -Depth 64 }
    $onEvent = {
        param($eventJson)
        $e = if ($codec) { $codec::Decode($eventJson) } else { $eventJson | ConvertFrom-Json }
        if ($e.event -eq 'prompt') { Write-Host $e.message }
    }
    $answer = Invoke-BridgePythonNet -Json $text -OnEvent $onEvent
    $text = $null  # the text may hold a secret; drop the reference early
    if ($codec) { $codec::Decode($answer) } else { $answer | ConvertFrom-Json }
}

$script:BridgePythonNetNextId = 0
# Looked up once at load, not per call (the codec type comes with the module's compiled types).
$script:BridgePythonNetCodec = 'MgBridge.BridgeJson' -as [type]
$script:BridgePythonNetInModule = $null -ne $ExecutionContext.SessionState.Module -and
    $ExecutionContext.SessionState.Module.Name -eq 'MgBridge'
