function ConvertTo-BridgeEnvironment {
    # Private helper: the SDK's type name on an environment object.
    param($Environment)
    $Environment.PSObject.TypeNames.Insert(0, 'Microsoft.Graph.PowerShell.Authentication.Models.GraphEnvironment')
    $Environment
}
