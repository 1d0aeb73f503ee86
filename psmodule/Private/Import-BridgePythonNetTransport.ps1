function Import-BridgePythonNetTransport {
    <#
    .SYNOPSIS
        Define the pythonnet transport's functions (psmodule/pythonnet/) on first use.
    .DESCRIPTION
        Importing the module does not pay for them. From a checkout they come from the
        loader's cached bundle (Get-BridgeScriptBundle); the release build ships them
        merged in MgBridge.PythonNet.ps1. Dot-sourced here, they land in this function's
        scope, so each new one is copied into the module's scope.
    #>
    if ($script:BridgePythonNetLoaded) { return }
    $files = if ($script:BridgeRelease) {
        [System.IO.Path]::Combine($script:ModuleRoot, 'MgBridge.PythonNet.ps1')
    } else {
        Get-BridgeScriptBundle -Name PythonNet -Folders 'pythonnet'
    }
    $before = [System.Collections.Generic.HashSet[string]]::new([string[]]@((Get-ChildItem function:).Name))
    foreach ($file in $files) { . $file }
    foreach ($function in Get-ChildItem function:) {
        if (-not $before.Contains($function.Name)) {
            # -WhatIf/-Confirm: a cmdlet called with -WhatIf must still get its transport.
            Set-Item -LiteralPath "function:script:$($function.Name)" -Value $function.ScriptBlock -WhatIf:$false -Confirm:$false
        }
    }
    $script:BridgePythonNetLoaded = $true
}
