function ConvertTo-BridgeContext {
    # Private helper: give a context object the SDK's type name (for its default view).
    param($Context)
    $Context.PSObject.TypeNames.Insert(0, 'Microsoft.Graph.PowerShell.Authentication.AuthContext')
    $Context
}
