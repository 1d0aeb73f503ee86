function Get-BridgeRequestId {
    # Private: the next request id, unique in the process whichever runspace or transport asks
    # ([MgBridge.BridgeRequestId]: one counter in AppDomain data); the counter is cached here.
    $counter = $script:BridgeRequestCounter
    if ($null -eq $counter) { $counter = $script:BridgeRequestCounter = [MgBridge.BridgeRequestId]::Counter() }
    [MgBridge.BridgeRequestId]::Next($counter)
}
