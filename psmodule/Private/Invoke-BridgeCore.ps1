function Invoke-BridgeCore {
    <#
    .SYNOPSIS
        Send one protocol message to the Python core through the selected transport.
    .DESCRIPTION
        The single seam between the shim and the core: every command builds a message
        (op, args, debug) and calls this. The transport comes from $env:MGBRIDGE_TRANSPORT
        (read at each call): 'subprocess' (default), or 'pythonnet' once that transport
        exists; both carry the same messages (docs/protocol.md). SecureString values at
        the top level of args become text only inside the message.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)][System.Collections.IDictionary]$Message)

    if ($Message['args']) { $Message['args'] = ConvertFrom-BridgeSecureArgument $Message['args'] }
    $transport = Get-BridgeTransport
    switch ($transport) {
        'subprocess' { return Send-BridgeSubprocessMessage -Message $Message }
        default {
            throw [System.Management.Automation.ErrorRecord]::new(
                [System.NotSupportedException]::new(
                    "MgBridge: transport '$transport' is not available; set `$env:MGBRIDGE_TRANSPORT to 'subprocess'."),
                'MgBridgeTransportUnavailable', [System.Management.Automation.ErrorCategory]::NotImplemented, $transport)
        }
    }
}

function ConvertFrom-BridgeSecureArgument {
    # A copy of an args dictionary with SecureStrings (at any dictionary depth) as text;
    # the original (possibly the replay journal) keeps its SecureStrings.
    param([System.Collections.IDictionary]$Arguments)
    $plain = [ordered]@{}
    foreach ($key in @($Arguments.Keys)) {
        $value = $Arguments[$key]
        if ($value -is [System.Security.SecureString]) {
            $value = [System.Net.NetworkCredential]::new('', $value).Password
        } elseif ($value -is [System.Collections.Specialized.OrderedDictionary] -and $key -eq 'environ') {
            $value = ConvertFrom-BridgeSecureArgument $value
        }
        $plain[$key] = $value
    }
    $plain
}

function Get-BridgeTransport {
    # The selected transport's name (see Invoke-BridgeCore).
    if ($env:MGBRIDGE_TRANSPORT) { return $env:MGBRIDGE_TRANSPORT.ToLowerInvariant() }
    'subprocess'
}
