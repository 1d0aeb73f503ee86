function Get-BridgeRequestId {
    # A request id unique in this process (both transports): an Interlocked increment of a
    # counter shared through AppDomain data, so calls from several runspaces never share an
    # id (a cancelled request's late answer is told apart from the next one's by id).
    $counter = $script:BridgeRequestCounter
    if ($null -eq $counter) {
        $counter = [System.AppDomain]::CurrentDomain.GetData('MgBridge.RequestCounter')
        if ($null -eq $counter) {
            $lock = Get-BridgeSubprocessLock
            [System.Threading.Monitor]::Enter($lock)
            try {
                $counter = [System.AppDomain]::CurrentDomain.GetData('MgBridge.RequestCounter')
                if ($null -eq $counter) {
                    $counter = [long[]]::new(1)
                    [System.AppDomain]::CurrentDomain.SetData('MgBridge.RequestCounter', $counter)
                }
            } finally {
                [System.Threading.Monitor]::Exit($lock)
            }
        }
        $script:BridgeRequestCounter = $counter
    }
    [MgBridge.BridgeRequestId]::Next($counter)
}
